package io.twinegress.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Command-line options of {@code ./twin-egress-local}.
 *
 * @param duration null: run until Ctrl-C
 * @param metrics  null: no {@code --metrics}
 */
public record Options(double rate, Duration duration, boolean faultDemo, String faultEndpoint, Duration faultAfter,
        Duration tableEvery, Ports ports, Path logDir, boolean help, Observability metrics, boolean entraId) {

    public static final String USAGE = """
            usage: ./twin-egress-local [options]

            Runs the whole twin-egress pipeline on loopback: a Kafka broker, a Kafka Connect worker with the
            twin-egress connectors, the router and the Azure stand-ins; registers the sample endpoints,
            produces the sample events and shows what each endpoint received. Ctrl-C stops everything.

              --rate N              events per second, all kinds round robin (default 20)
              --duration D          stop after D (e.g. 90s, 5m); default: run until Ctrl-C
              --no-fault-demo       do not revoke a primary key
              --fault-endpoint ID   endpoint whose primary key is revoked (default servicebus)
              --fault-after D       when the key is revoked, after traffic starts (default 15s)
              --auth MODE           connection-string (default): the connectors use keys; entra-id: they use
                                    Microsoft Entra ID identities of the stand-ins' identity provider over TLS
                                    (managed identity, workload identity, service principal); the fault demo
                                    then revokes the endpoint identity's role for 10 s instead of a key
              --table-every D       how often the table is printed (default 3s)
              --kafka-port P        (default 9092)     --controller-port P  (default 9093)
              --connect-port P      (default 8083)     --amqp-port P        (default 5672)
              --eventgrid-port P    (default 5681)     --admin-port P       (default 5680)
              --logs DIR            where the logs go (default local-stack/target/twin-egress-local/logs)
              --metrics             the router and the Connect worker run the Prometheus JMX exporter agent
                                    (rules in deploy/prometheus/) and the router its health endpoint;
                                    the scrape URLs are printed
              --router-metrics-port P   (default 9404)   --connect-metrics-port P  (default 9405)
              --router-health-port P    (default 8080)
            """;

    public static Options parse(List<String> args, Path home) {
        double rate = 20;
        Duration duration = null;
        boolean fault = true;
        String faultEndpoint = "servicebus";
        Duration faultAfter = Duration.ofSeconds(15);
        Duration tableEvery = Duration.ofSeconds(3);
        Ports d = Ports.defaults();
        int kafka = d.kafka();
        int controller = d.controller();
        int connect = d.connect();
        int amqp = d.amqp();
        int eventGrid = d.eventGrid();
        int admin = d.admin();
        Path logs = home.resolve("local-stack/target/twin-egress-local/logs");
        boolean help = false;
        boolean metrics = false;
        Observability o = Observability.defaults();
        int routerMetrics = o.routerMetrics();
        int connectMetrics = o.connectMetrics();
        int routerHealth = o.routerHealth();
        boolean entraId = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "-h", "--help" -> help = true;
                case "--no-fault-demo" -> fault = false;
                case "--rate" -> {
                    rate = Double.parseDouble(value(args, ++i, a));
                    if (!(rate > 0 && rate <= 10_000)) {
                        throw new IllegalArgumentException("--rate must be in (0, 10000], got " + rate);
                    }
                }
                case "--duration" -> duration = duration(value(args, ++i, a), a);
                case "--fault-endpoint" -> faultEndpoint = value(args, ++i, a);
                case "--fault-after" -> faultAfter = duration(value(args, ++i, a), a);
                case "--table-every" -> tableEvery = duration(value(args, ++i, a), a);
                case "--kafka-port" -> kafka = port(value(args, ++i, a), a);
                case "--controller-port" -> controller = port(value(args, ++i, a), a);
                case "--connect-port" -> connect = port(value(args, ++i, a), a);
                case "--amqp-port" -> amqp = port(value(args, ++i, a), a);
                case "--eventgrid-port" -> eventGrid = port(value(args, ++i, a), a);
                case "--admin-port" -> admin = port(value(args, ++i, a), a);
                case "--logs" -> logs = Path.of(value(args, ++i, a)).toAbsolutePath();
                case "--metrics" -> metrics = true;
                case "--auth" -> {
                    String mode = value(args, ++i, a);
                    if (!mode.equals("connection-string") && !mode.equals("entra-id")) {
                        throw new IllegalArgumentException("--auth must be connection-string or entra-id, got " + mode);
                    }
                    entraId = mode.equals("entra-id");
                }
                case "--router-metrics-port" -> routerMetrics = port(value(args, ++i, a), a);
                case "--connect-metrics-port" -> connectMetrics = port(value(args, ++i, a), a);
                case "--router-health-port" -> routerHealth = port(value(args, ++i, a), a);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (!io.twinegress.localstack.endpoints.SampleEndpoints.ids().contains(faultEndpoint)) {
            throw new IllegalArgumentException("--fault-endpoint must be one of "
                    + io.twinegress.localstack.endpoints.SampleEndpoints.ids() + ", got " + faultEndpoint);
        }
        return new Options(rate, duration, fault, faultEndpoint, faultAfter, tableEvery,
                new Ports(kafka, controller, connect, amqp, eventGrid, admin), logs, help,
                metrics ? new Observability(routerMetrics, connectMetrics, routerHealth) : null, entraId);
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }

    private static int port(String v, String option) {
        int p;
        try {
            p = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a port number, got " + v);
        }
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException(option + " needs a port in 1..65535, got " + v);
        }
        return p;
    }

    /** {@code 90}, {@code 90s}, {@code 5m}, {@code 1h}, {@code 500ms}. */
    static Duration duration(String v, String option) {
        try {
            String s = v.trim().toLowerCase(java.util.Locale.ROOT);
            if (s.endsWith("ms")) {
                return positive(Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2))), option, v);
            }
            char unit = s.charAt(s.length() - 1);
            String n = Character.isDigit(unit) ? s : s.substring(0, s.length() - 1);
            long amount = Long.parseLong(n);
            return positive(switch (Character.isDigit(unit) ? 's' : unit) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> throw new NumberFormatException();
            }, option, v);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(option + " needs a duration like 90s, 5m or 1h, got " + v);
        }
    }

    private static Duration positive(Duration d, String option, String v) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(option + " must be positive, got " + v);
        }
        return d;
    }
}
