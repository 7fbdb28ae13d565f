package io.twinegress.emulators.admin;

import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.amqp.AmqpEntity;
import io.twinegress.emulators.eventgrid.EventGridEmulator;
import io.twinegress.emulators.identity.IdentityProvider;
import io.twinegress.emulators.identity.Role;
import io.twinegress.emulators.tls.StandInTls;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Start-up configuration of the runnable stand-ins: a Java properties file and/or
 * {@code key=value} arguments (arguments win). Every key is listed in {@code docs/emulators.md}.
 */
public final class EmulatorConfig {

    public static final String HOST = "host";
    public static final String AMQP_ENABLED = "amqp.enabled";
    public static final String AMQP_PORT = "amqp.port";
    public static final String AMQP_SERVICEBUS_TOPICS = "amqp.servicebus.topics";
    public static final String AMQP_EVENTHUBS = "amqp.eventhubs";
    public static final String AMQP_DUPLICATE_DETECTION_SECONDS = "amqp.servicebus.duplicate.detection.seconds";
    public static final String AMQP_KEYS_PREFIX = "amqp.keys.";
    public static final String AMQP_DELAY_MS = "amqp.response.delay.ms";
    public static final String EVENTGRID_ENABLED = "eventgrid.enabled";
    public static final String EVENTGRID_PORT = "eventgrid.port";
    public static final String EVENTGRID_TOPICS = "eventgrid.topics";
    public static final String EVENTGRID_KEYS = "eventgrid.keys";
    public static final String EVENTGRID_MAX_REQUEST_BYTES = "eventgrid.max.request.bytes";
    public static final String EVENTGRID_MAX_EVENT_BYTES = "eventgrid.max.event.bytes";
    public static final String EVENTGRID_DELAY_MS = "eventgrid.response.delay.ms";
    public static final String ADMIN_PORT = "admin.port";
    public static final String READY_FILE = "ready.file";
    public static final String RETAIN_PER_ENTITY = "retain.per.entity";
    public static final String AMQP_SERVICEBUS_QUEUES = "amqp.servicebus.queues";
    public static final String AMQP_TLS_PORT = "amqp.tls.port";
    public static final String EVENTGRID_CLOUDEVENTS_TOPICS = "eventgrid.cloudevents.topics";
    public static final String EVENTGRID_NAMESPACE_TOPICS = "eventgrid.namespace.topics";
    public static final String EVENTGRID_TLS_PORT = "eventgrid.tls.port";
    public static final String TLS_ENABLED = "tls.enabled";
    public static final String TLS_DIR = "tls.dir";
    public static final String TLS_DNS_NAMES = "tls.dns.names";
    public static final String IDENTITY_ENABLED = "identity.enabled";
    public static final String IDENTITY_AUTHORITY_PORT = "identity.authority.port";
    public static final String IDENTITY_MSI_PORT = "identity.msi.port";
    public static final String IDENTITY_TENANT = "identity.tenant";
    public static final String IDENTITY_TOKEN_LIFETIME_SECONDS = "identity.token.lifetime.seconds";
    public static final String IDENTITY_MANAGED = "identity.managed";
    public static final String IDENTITY_SYSTEM_ASSIGNED = "identity.system.assigned";
    public static final String IDENTITY_SECRET_PREFIX = "identity.secret.";
    public static final String IDENTITY_WORKLOAD_PREFIX = "identity.workload.";
    public static final String IDENTITY_ROLES_PREFIX = "identity.roles.";
    public static final String IDENTITY_TOKEN_DIR = "identity.token.dir";

    private static final Set<String> KNOWN = Set.of(HOST, AMQP_ENABLED, AMQP_PORT, AMQP_SERVICEBUS_TOPICS,
            AMQP_SERVICEBUS_QUEUES, AMQP_EVENTHUBS, AMQP_DUPLICATE_DETECTION_SECONDS, AMQP_DELAY_MS, AMQP_TLS_PORT,
            EVENTGRID_ENABLED, EVENTGRID_PORT, EVENTGRID_TOPICS, EVENTGRID_CLOUDEVENTS_TOPICS,
            EVENTGRID_NAMESPACE_TOPICS, EVENTGRID_KEYS, EVENTGRID_MAX_REQUEST_BYTES, EVENTGRID_MAX_EVENT_BYTES,
            EVENTGRID_DELAY_MS, EVENTGRID_TLS_PORT, ADMIN_PORT, READY_FILE, RETAIN_PER_ENTITY, TLS_ENABLED, TLS_DIR,
            TLS_DNS_NAMES, IDENTITY_ENABLED, IDENTITY_AUTHORITY_PORT, IDENTITY_MSI_PORT, IDENTITY_TENANT,
            IDENTITY_TOKEN_LIFETIME_SECONDS, IDENTITY_MANAGED, IDENTITY_SYSTEM_ASSIGNED, IDENTITY_TOKEN_DIR);
    private static final List<String> PREFIXES = List.of(AMQP_KEYS_PREFIX, IDENTITY_SECRET_PREFIX,
            IDENTITY_WORKLOAD_PREFIX, IDENTITY_ROLES_PREFIX);

    private final Properties props;

    private EmulatorConfig(Properties props) {
        this.props = props;
        Set<String> unknown = new TreeSet<>();
        for (String k : props.stringPropertyNames()) {
            if (!KNOWN.contains(k) && PREFIXES.stream().noneMatch(k::startsWith)) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown configuration key(s) " + unknown + "; known: "
                    + new TreeSet<>(KNOWN) + " and " + AMQP_KEYS_PREFIX + "<keyName>, " + IDENTITY_SECRET_PREFIX
                    + "<clientId>, " + IDENTITY_WORKLOAD_PREFIX + "<clientId>, " + IDENTITY_ROLES_PREFIX + "<clientId>");
        }
    }

    /** Reads {@code args}: at most one properties file path, then any number of {@code key=value} overrides. */
    public static EmulatorConfig fromArgs(String... args) throws IOException {
        Properties p = new Properties();
        List<String> overrides = new ArrayList<>();
        for (String a : args) {
            if (a.contains("=")) {
                overrides.add(a);
            } else {
                try (Reader r = Files.newBufferedReader(Path.of(a), StandardCharsets.UTF_8)) {
                    p.load(r);
                }
            }
        }
        for (String o : overrides) {
            int eq = o.indexOf('=');
            p.setProperty(o.substring(0, eq).trim(), o.substring(eq + 1).trim());
        }
        return new EmulatorConfig(p);
    }

    public static EmulatorConfig of(Properties p) {
        return new EmulatorConfig(p);
    }

    public String host() {
        return props.getProperty(HOST, "127.0.0.1");
    }

    public boolean amqpEnabled() {
        return Boolean.parseBoolean(props.getProperty(AMQP_ENABLED, "true"));
    }

    public boolean eventGridEnabled() {
        return Boolean.parseBoolean(props.getProperty(EVENTGRID_ENABLED, "true"));
    }

    public int adminPort() {
        return intValue(ADMIN_PORT, 5680);
    }

    public Path readyFile() {
        String f = props.getProperty(READY_FILE);
        return f == null || f.isBlank() ? null : Path.of(f);
    }

    public boolean tlsEnabled() {
        return Boolean.parseBoolean(props.getProperty(TLS_ENABLED, "false"));
    }

    /** Where the TLS trust store and the identity files are written: {@code tls.dir}, else beside the ready file. */
    public Path tlsDir() {
        String d = props.getProperty(TLS_DIR);
        if (d != null && !d.isBlank()) {
            return Path.of(d);
        }
        Path ready = readyFile();
        Path parent = ready == null ? null : ready.toAbsolutePath().getParent();
        return (parent == null ? Path.of(".") : parent).resolve("stand-in-tls");
    }

    /** The TLS identity as configured, written to {@link #tlsDir()}; null when TLS is off. */
    public StandInTls tls() {
        return tlsEnabled() ? StandInTls.generate(tlsDir(), list(TLS_DNS_NAMES)) : null;
    }

    public boolean identityEnabled() {
        return Boolean.parseBoolean(props.getProperty(IDENTITY_ENABLED, "false"));
    }

    /** Where federated token files of the workload identities are written ({@code <clientId>.token}). */
    public Path identityTokenDir() {
        String d = props.getProperty(IDENTITY_TOKEN_DIR);
        return d == null || d.isBlank() ? tlsDir() : Path.of(d);
    }

    /**
     * The identity provider as configured (not started): {@code identity.managed=<clientId>,..},
     * {@code identity.system.assigned=<clientId>}, {@code identity.secret.<clientId>=<secret>},
     * {@code identity.workload.<clientId>=<subject>}, {@code identity.roles.<clientId>=<ROLE>@<scope>,..}.
     */
    public IdentityProvider.Builder identity(StandInTls tls) {
        if (tls == null) {
            throw new IllegalArgumentException(IDENTITY_ENABLED + "=true needs " + TLS_ENABLED
                    + "=true: the credentials fetch tokens over HTTPS, and the SDKs send them over TLS only");
        }
        IdentityProvider.Builder b = IdentityProvider.builder().host(host()).tls(tls)
                .authorityPort(intValue(IDENTITY_AUTHORITY_PORT, 5683)).managedIdentityPort(intValue(IDENTITY_MSI_PORT, 5684))
                .tokenLifetime(Duration.ofSeconds(intValue(IDENTITY_TOKEN_LIFETIME_SECONDS, 3600)));
        String tenant = props.getProperty(IDENTITY_TENANT);
        if (tenant != null && !tenant.isBlank()) {
            b.tenant(tenant.trim());
        }
        list(IDENTITY_MANAGED).forEach(b::managedIdentity);
        list(IDENTITY_SYSTEM_ASSIGNED).forEach(b::systemAssignedIdentity);
        for (String k : new TreeSet<>(props.stringPropertyNames())) {
            if (k.startsWith(IDENTITY_SECRET_PREFIX)) {
                b.servicePrincipal(k.substring(IDENTITY_SECRET_PREFIX.length()), props.getProperty(k).trim());
            } else if (k.startsWith(IDENTITY_WORKLOAD_PREFIX)) {
                b.workloadIdentity(k.substring(IDENTITY_WORKLOAD_PREFIX.length()), props.getProperty(k).trim());
            } else if (k.startsWith(IDENTITY_ROLES_PREFIX)) {
                String clientId = k.substring(IDENTITY_ROLES_PREFIX.length());
                for (String assignment : list(k)) {
                    int at = assignment.lastIndexOf('@');
                    if (at <= 0 || at == assignment.length() - 1) {
                        throw new IllegalArgumentException(k + ": '" + assignment + "' must be <ROLE>@<scope> (scope: "
                                + "an entity or topic, or *)");
                    }
                    b.assign(clientId, Role.of(assignment.substring(0, at)), assignment.substring(at + 1));
                }
            }
        }
        return b;
    }

    /** The AMQP stand-in as configured (not started), TLS and identities optional (null). */
    public AmqpEmulator.Builder amqp(StandInTls tls, IdentityProvider identities) {
        AmqpEmulator.Builder b = amqp();
        if (tls != null) {
            b.tls(tls).tlsPort(intValue(AMQP_TLS_PORT, 5671));
        }
        if (identities != null) {
            b.identities(identities);
        }
        return b;
    }

    /** The Event Grid stand-in as configured (not started), TLS and identities optional (null). */
    public EventGridEmulator.Builder eventGrid(StandInTls tls, IdentityProvider identities) {
        EventGridEmulator.Builder b = eventGrid();
        if (tls != null) {
            b.tls(tls).tlsPort(intValue(EVENTGRID_TLS_PORT, 5682));
        }
        if (identities != null) {
            b.identities(identities);
        }
        return b;
    }

    /** The AMQP stand-in as configured, without TLS or identities (not started). */
    public AmqpEmulator.Builder amqp() {
        AmqpEmulator.Builder b = AmqpEmulator.builder().host(host()).port(intValue(AMQP_PORT, 5672))
                .responseDelay(Duration.ofMillis(intValue(AMQP_DELAY_MS, 0)))
                .retainPerEntity(intValue(RETAIN_PER_ENTITY, 10_000));
        int dedupSeconds = intValue(AMQP_DUPLICATE_DETECTION_SECONDS, 0);
        for (String topic : list(AMQP_SERVICEBUS_TOPICS)) {
            b.entity(serviceBusEntity(topic, AmqpEntity::serviceBusTopic, dedupSeconds));
        }
        for (String queue : list(AMQP_SERVICEBUS_QUEUES)) {
            b.entity(serviceBusEntity(queue, AmqpEntity::serviceBusQueue, dedupSeconds));
        }
        for (String hub : list(AMQP_EVENTHUBS)) {
            String[] parts = hub.split(":");
            int partitions = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : 4;
            b.eventHub(parts[0].trim(), partitions);
        }
        Map<String, List<String>> keys = amqpKeys();
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no AMQP keys: set " + AMQP_KEYS_PREFIX + "<keyName>=<key>[,<key2>]");
        }
        keys.forEach((name, values) -> values.forEach(v -> b.key(name, v)));
        return b;
    }

    /** {@code name[:sessions][:partitioned]} → the entity, with the duplicate detection window when set. */
    private static AmqpEntity serviceBusEntity(String spec, Function<String, AmqpEntity> kind, int dedupSeconds) {
        String[] parts = spec.split(":");
        AmqpEntity e = kind.apply(parts[0].trim());
        for (int i = 1; i < parts.length; i++) {
            switch (parts[i].trim().toLowerCase(java.util.Locale.ROOT)) {
                case "sessions" -> e = e.withSessions();
                case "partitioned" -> e = e.withPartitioning();
                default -> throw new IllegalArgumentException("'" + spec + "': a Service Bus entity option is "
                        + "'sessions' or 'partitioned', not '" + parts[i] + "'");
            }
        }
        return dedupSeconds > 0 ? e.withDuplicateDetection(Duration.ofSeconds(dedupSeconds)) : e;
    }

    /** Key names and their keys from {@code amqp.keys.<keyName>=k1,k2}. */
    public Map<String, List<String>> amqpKeys() {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        for (String k : new TreeSet<>(props.stringPropertyNames())) {
            if (k.startsWith(AMQP_KEYS_PREFIX)) {
                keys.put(k.substring(AMQP_KEYS_PREFIX.length()), list(k));
            }
        }
        return keys;
    }

    /** The Event Grid stand-in as configured, without TLS or identities (not started). */
    public EventGridEmulator.Builder eventGrid() {
        EventGridEmulator.Builder b = EventGridEmulator.builder().host(host()).port(intValue(EVENTGRID_PORT, 5681))
                .maxRequestBytes(longValue(EVENTGRID_MAX_REQUEST_BYTES, EventGridEmulator.ONE_MB))
                .maxEventBytes(longValue(EVENTGRID_MAX_EVENT_BYTES, EventGridEmulator.ONE_MB))
                .responseDelay(Duration.ofMillis(intValue(EVENTGRID_DELAY_MS, 0)))
                .retainPerTopic(intValue(RETAIN_PER_ENTITY, 10_000));
        list(EVENTGRID_TOPICS).forEach(b::topic);
        list(EVENTGRID_CLOUDEVENTS_TOPICS).forEach(b::cloudEventsTopic);
        list(EVENTGRID_NAMESPACE_TOPICS).forEach(b::namespaceTopic);
        List<String> keys = list(EVENTGRID_KEYS);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no Event Grid keys: set " + EVENTGRID_KEYS + "=<key1>[,<key2>]");
        }
        keys.forEach(b::key);
        return b;
    }

    private List<String> list(String key) {
        String v = props.getProperty(key, "");
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private int intValue(String key, int dflt) {
        String v = props.getProperty(key);
        try {
            return v == null || v.isBlank() ? dflt : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + v + "'", e);
        }
    }

    private long longValue(String key, long dflt) {
        String v = props.getProperty(key);
        try {
            return v == null || v.isBlank() ? dflt : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + v + "'", e);
        }
    }
}
