package io.twinegress.localstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loopback ports of {@code ./twin-egress-local --metrics}: the Prometheus JMX exporter agent of
 * the router and of the Connect worker (rules {@code deploy/prometheus/router.yml} and
 * {@code connect.yml}), and the router's health endpoint. Defaults: the JMX exporter's usual 9404
 * and the next port, and 8080.
 */
public record Observability(int routerMetrics, int connectMetrics, int routerHealth) {

    public static Observability defaults() {
        return new Observability(9404, 9405, 8080);
    }

    /** Free ports picked by the OS (tests, parallel runs). */
    public static Observability free() {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                held.add(new ServerSocket(0, 1, InetAddress.getByName(Ports.HOST)));
            }
            return new Observability(held.get(0).getLocalPort(), held.get(1).getLocalPort(), held.get(2).getLocalPort());
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port: " + e.getMessage(), e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
    }

    /** Option → port. */
    public Map<String, Integer> byOption() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("--router-metrics-port", routerMetrics);
        m.put("--connect-metrics-port", connectMetrics);
        m.put("--router-health-port", routerHealth);
        return m;
    }

    /** Ports already in use on loopback or shared with {@code ports}, as lines naming the option that changes them. */
    public List<String> busy(Ports ports) {
        List<String> busy = new ArrayList<>();
        byOption().forEach((option, port) -> {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(Ports.HOST), port), 1);
            } catch (IOException e) {
                busy.add("port " + port + " is in use (change it with " + option + ")");
            }
            if (ports.byOption().containsValue(port)) {
                busy.add("port " + port + " of " + option + " is also another part's port");
            }
        });
        if (byOption().values().stream().distinct().count() < byOption().size()) {
            busy.add("two parts cannot share a port: " + byOption());
        }
        return busy;
    }

    public String routerMetricsUrl() {
        return "http://" + Ports.HOST + ":" + routerMetrics + "/metrics";
    }

    public String connectMetricsUrl() {
        return "http://" + Ports.HOST + ":" + connectMetrics + "/metrics";
    }

    public String routerHealthUrl() {
        return "http://" + Ports.HOST + ":" + routerHealth;
    }
}
