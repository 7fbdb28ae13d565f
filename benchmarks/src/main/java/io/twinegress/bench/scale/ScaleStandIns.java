package io.twinegress.bench.scale;

import io.twinegress.bench.connect.StandIns;
import io.twinegress.bench.connect.StandIns.Target;
import io.twinegress.emulators.Received;
import io.twinegress.emulators.StandIn;
import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.eventgrid.EventGridEmulator;

import java.time.Instant;
import java.util.List;

/**
 * The stand-ins of the scale figure: one AMQP stand-in (the Service Bus namespace and the Event
 * Hubs namespace) and one Event Grid stand-in, with one entity per endpoint: endpoint {@code i} of
 * a target sends to {@code <entity>-<i>} (a Service Bus topic, an event hub, an Event Grid topic),
 * as 100 real endpoints would, all of one target in one namespace with one key pair.
 */
final class ScaleStandIns implements AutoCloseable {

    private final AmqpEmulator amqp;
    private final EventGridEmulator eventGrid;
    private final int perTarget;

    private ScaleStandIns(AmqpEmulator amqp, EventGridEmulator eventGrid, int perTarget) {
        this.amqp = amqp;
        this.eventGrid = eventGrid;
        this.perTarget = perTarget;
    }

    static ScaleStandIns start(int perTarget, String primary, String secondary) {
        AmqpEmulator.Builder a = AmqpEmulator.builder().retainPerEntity(0)
            .key(StandIns.KEY_NAME, primary).key(StandIns.KEY_NAME, secondary);
        EventGridEmulator.Builder g = EventGridEmulator.builder().retainPerTopic(0).key(primary).key(secondary);
        for (int i = 0; i < perTarget; i++) {
            a.serviceBusTopic(entity(Target.SERVICE_BUS, i)).eventHub(entity(Target.EVENT_HUBS, i), 2);
            g.topic(entity(Target.EVENT_GRID, i));
        }
        return new ScaleStandIns(a.start(), g.start(), perTarget);
    }

    static String entity(Target t, int i) {
        return t.entity + "-" + i;
    }

    String connectionString(Target t, String key, int i) {
        return switch (t) {
            case SERVICE_BUS -> amqp.connectionString(StandIns.KEY_NAME, key);
            case EVENT_HUBS -> amqp.connectionString(StandIns.KEY_NAME, key, entity(t, i));
            case EVENT_GRID -> key;
        };
    }

    String path(Target t, int i) {
        return t == Target.EVENT_GRID ? eventGrid.endpoint(entity(t, i)) : entity(t, i);
    }

    int amqpPort() {
        return amqp.port();
    }

    int eventGridPort() {
        return eventGrid.port();
    }

    /** Connections the AMQP stand-in holds open now. */
    int amqpConnections() {
        return amqp.openConnections();
    }

    private StandIn<?> standIn(Target t) {
        return t == Target.EVENT_GRID ? eventGrid : amqp;
    }

    int count(Target t, int i) {
        return standIn(t).count(entity(t, i));
    }

    /** The first and the last arrival at any entity, or null when nothing arrived. */
    Instant[] span() {
        Instant first = null;
        Instant last = null;
        for (Target t : Target.values()) {
            for (int i = 0; i < perTarget; i++) {
                List<? extends Received> r = standIn(t).received(entity(t, i));
                if (r.isEmpty()) {
                    continue;
                }
                for (Received x : r) {
                    Instant at = x.receivedAt();
                    first = first == null || at.isBefore(first) ? at : first;
                    last = last == null || at.isAfter(last) ? at : last;
                }
            }
        }
        return first == null ? null : new Instant[] {first, last};
    }

    void clear() {
        amqp.clear();
        eventGrid.clear();
    }

    @Override
    public void close() {
        amqp.close();
        eventGrid.close();
    }
}
