package io.twinegress.emulators.amqp;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The entities the AMQP stand-in serves, by name (case-insensitive, like Azure's). Thread-safe. */
final class AmqpEntities {

    private final Map<String, AmqpEntity> byName = new ConcurrentHashMap<>();

    AmqpEntities(List<AmqpEntity> initial) {
        initial.forEach(this::put);
    }

    /** Declares {@code entity}, replacing one of the same name. */
    void put(AmqpEntity entity) {
        byName.put(entity.name().toLowerCase(Locale.ROOT), entity);
    }

    /** The entity called {@code name}, or null. */
    AmqpEntity get(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    List<AmqpEntity> all() {
        return List.copyOf(byName.values());
    }
}
