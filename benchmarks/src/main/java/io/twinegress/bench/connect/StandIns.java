package io.twinegress.bench.connect;

import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.amqp.ReceivedMessage;
import io.twinegress.emulators.eventgrid.EventGridEmulator;
import io.twinegress.emulators.eventgrid.ReceivedEvent;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * The three targets on the stand-ins (in the suite's JVM, the same for connector and raw loop): what
 * each connector needs in its config, and what arrived there (arrival time and key fingerprint).
 */
public final class StandIns implements AutoCloseable {

    public static final String KEY_NAME = "RootManageSharedAccessKey";
    public static final String SB_TOPIC = "bench-sb";
    public static final String EVENT_HUB = "bench-eh";
    public static final String EG_TOPIC = "bench-eg";

    /** One arrival: when the stand-in accepted it and the fingerprint of the key that authorized it. */
    public record Arrival(Instant at, String keyFingerprint) {
    }

    public enum Target {
        SERVICE_BUS("ServiceBusSinkConnector", "Service Bus"),
        EVENT_HUBS("EventHubsSinkConnector", "Event Hubs"),
        EVENT_GRID("EventGridSinkConnector", "Event Grid");

        public final String connectorClass;
        public final String label;

        Target(String connectorClass, String label) {
            this.connectorClass = connectorClass;
            this.label = label;
        }
    }

    private final AmqpEmulator amqp;
    private final EventGridEmulator eventGrid;

    private StandIns(AmqpEmulator amqp, EventGridEmulator eventGrid) {
        this.amqp = amqp;
        this.eventGrid = eventGrid;
    }

    public static StandIns start(String primary, String secondary) {
        AmqpEmulator amqp = AmqpEmulator.builder().retainPerEntity(0)
            .serviceBusTopic(SB_TOPIC).eventHub(EVENT_HUB, 4)
            .key(KEY_NAME, primary).key(KEY_NAME, secondary).start();
        EventGridEmulator eg = EventGridEmulator.builder().retainPerTopic(0).topic(EG_TOPIC).key(primary).key(secondary).start();
        return new StandIns(amqp, eg);
    }

    public static String newKey() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** The {@code connection.string} value for {@code key}. */
    public String connectionString(Target t, String key) {
        return switch (t) {
            case SERVICE_BUS -> amqp.connectionString(KEY_NAME, key);
            case EVENT_HUBS -> amqp.connectionString(KEY_NAME, key, EVENT_HUB);
            case EVENT_GRID -> key;
        };
    }

    /** The {@code path} value. */
    public String path(Target t) {
        return switch (t) {
            case SERVICE_BUS -> SB_TOPIC;
            case EVENT_HUBS -> EVENT_HUB;
            case EVENT_GRID -> eventGrid.endpoint(EG_TOPIC);
        };
    }

    public String eventGridUrl() {
        return eventGrid.endpoint(EG_TOPIC);
    }

    public String fingerprint(Target t, String key) {
        return t == Target.EVENT_GRID ? EventGridEmulator.fingerprint(key) : AmqpEmulator.fingerprint(key);
    }

    public int count(Target t) {
        return switch (t) {
            case SERVICE_BUS -> amqp.count(SB_TOPIC);
            case EVENT_HUBS -> amqp.count(EVENT_HUB);
            case EVENT_GRID -> eventGrid.count(EG_TOPIC);
        };
    }

    public List<Arrival> arrivals(Target t) {
        return switch (t) {
            case SERVICE_BUS -> amqp.received(SB_TOPIC).stream().map(StandIns::arrival).toList();
            case EVENT_HUBS -> amqp.received(EVENT_HUB).stream().map(StandIns::arrival).toList();
            case EVENT_GRID -> eventGrid.received(EG_TOPIC).stream().map(StandIns::arrival).toList();
        };
    }

    private static Arrival arrival(ReceivedMessage m) {
        return new Arrival(m.receivedAt(), m.keyFingerprint());
    }

    private static Arrival arrival(ReceivedEvent e) {
        return new Arrival(e.receivedAt(), e.keyFingerprint());
    }

    /** How many times a key was refused so far (AMQP put-token 401s; Event Grid 401 responses). */
    public long refusals(Target t) {
        return t == Target.EVENT_GRID ? eventGrid.responses(401) : amqp.tokensRefused();
    }

    /** Replaces the valid keys (like regenerating them in Azure): connections on other keys are dropped. */
    public void setKeys(Target t, String... keys) {
        if (t == Target.EVENT_GRID) {
            eventGrid.setKeys(keys);
        } else {
            amqp.setKeys(KEY_NAME, keys);
        }
    }

    public void clear() {
        amqp.clear();
        eventGrid.clear();
    }

    @Override
    public void close() {
        amqp.close();
        eventGrid.close();
    }
}
