package io.twinegress.bench.connect;

import io.twinegress.emulators.Received;
import io.twinegress.emulators.StandIn;
import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.eventgrid.EventGridEmulator;

import java.security.SecureRandom;
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
    /** The Event Grid topic with the CloudEvents input schema, for {@code event.format=cloudevents}. */
    public static final String EG_CE_TOPIC = "bench-eg-ce";

    public enum Target {
        SERVICE_BUS("ServiceBusSinkConnector", "Service Bus", SB_TOPIC),
        EVENT_HUBS("EventHubsSinkConnector", "Event Hubs", EVENT_HUB),
        EVENT_GRID("EventGridSinkConnector", "Event Grid", EG_TOPIC);

        public final String connectorClass;
        public final String label;
        /** The entity it sends to on its stand-in. */
        public final String entity;

        Target(String connectorClass, String label, String entity) {
            this.connectorClass = connectorClass;
            this.label = label;
            this.entity = entity;
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
        EventGridEmulator eg = EventGridEmulator.builder().retainPerTopic(0).topic(EG_TOPIC).cloudEventsTopic(EG_CE_TOPIC).key(primary).key(secondary).start();
        return new StandIns(amqp, eg);
    }

    public static String newKey() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    private StandIn<?> standIn(Target t) {
        return t == Target.EVENT_GRID ? eventGrid : amqp;
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
        return t == Target.EVENT_GRID ? eventGridUrl() : t.entity;
    }

    public String eventGridUrl() {
        return eventGrid.endpoint(EG_TOPIC);
    }

    /** The {@code path} value for CloudEvents: Event Grid's CloudEvents-schema topic; the same entity otherwise. */
    public String cloudEventsPath(Target t) {
        return t == Target.EVENT_GRID ? eventGrid.endpoint(EG_CE_TOPIC) : t.entity;
    }

    private static String entity(Target t, boolean cloudEvents) {
        return cloudEvents && t == Target.EVENT_GRID ? EG_CE_TOPIC : t.entity;
    }

    public int count(Target t) {
        return count(t, false);
    }

    public int count(Target t, boolean cloudEvents) {
        return standIn(t).count(entity(t, cloudEvents));
    }

    /** What arrived, oldest first: each with its arrival time and the fingerprint of its key. */
    public List<? extends Received> arrivals(Target t) {
        return arrivals(t, false);
    }

    public List<? extends Received> arrivals(Target t, boolean cloudEvents) {
        return standIn(t).received(entity(t, cloudEvents));
    }

    /** How many times a key was refused so far (AMQP put-token 401s; Event Grid 401 responses). */
    public long refusals(Target t) {
        return t == Target.EVENT_GRID ? eventGrid.responses(401) : amqp.tokensRefused();
    }

    /** Replaces the valid keys (like regenerating them in Azure): connections on other keys are dropped. */
    public void setKeys(Target t, String... keys) {
        standIn(t).setKeys(KEY_NAME, List.of(keys));
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
