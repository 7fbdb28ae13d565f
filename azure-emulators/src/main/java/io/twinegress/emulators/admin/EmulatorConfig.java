package io.twinegress.emulators.admin;

import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.eventgrid.EventGridEmulator;
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

    private static final Set<String> KNOWN = Set.of(HOST, AMQP_ENABLED, AMQP_PORT, AMQP_SERVICEBUS_TOPICS,
            AMQP_EVENTHUBS, AMQP_DUPLICATE_DETECTION_SECONDS, AMQP_DELAY_MS, EVENTGRID_ENABLED, EVENTGRID_PORT, EVENTGRID_TOPICS, EVENTGRID_KEYS,
            EVENTGRID_MAX_REQUEST_BYTES, EVENTGRID_MAX_EVENT_BYTES, EVENTGRID_DELAY_MS, ADMIN_PORT, READY_FILE,
            RETAIN_PER_ENTITY);

    private final Properties props;

    private EmulatorConfig(Properties props) {
        this.props = props;
        Set<String> unknown = new TreeSet<>();
        for (String k : props.stringPropertyNames()) {
            if (!KNOWN.contains(k) && !k.startsWith(AMQP_KEYS_PREFIX)) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown configuration key(s) " + unknown + "; known: "
                    + new TreeSet<>(KNOWN) + " and " + AMQP_KEYS_PREFIX + "<keyName>");
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

    /** The AMQP stand-in as configured (not started). */
    public AmqpEmulator.Builder amqp() {
        AmqpEmulator.Builder b = AmqpEmulator.builder().host(host()).port(intValue(AMQP_PORT, 5672))
                .responseDelay(Duration.ofMillis(intValue(AMQP_DELAY_MS, 0)))
                .retainPerEntity(intValue(RETAIN_PER_ENTITY, 10_000));
        int dedupSeconds = intValue(AMQP_DUPLICATE_DETECTION_SECONDS, 0);
        for (String topic : list(AMQP_SERVICEBUS_TOPICS)) {
            if (dedupSeconds > 0) {
                b.serviceBusTopicWithDuplicateDetection(topic, Duration.ofSeconds(dedupSeconds));
            } else {
                b.serviceBusTopic(topic);
            }
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

    /** The Event Grid stand-in as configured (not started). */
    public EventGridEmulator.Builder eventGrid() {
        EventGridEmulator.Builder b = EventGridEmulator.builder().host(host()).port(intValue(EVENTGRID_PORT, 5681))
                .maxRequestBytes(longValue(EVENTGRID_MAX_REQUEST_BYTES, EventGridEmulator.ONE_MB))
                .maxEventBytes(longValue(EVENTGRID_MAX_EVENT_BYTES, EventGridEmulator.ONE_MB))
                .responseDelay(Duration.ofMillis(intValue(EVENTGRID_DELAY_MS, 0)))
                .retainPerTopic(intValue(RETAIN_PER_ENTITY, 10_000));
        list(EVENTGRID_TOPICS).forEach(b::topic);
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
