package io.twinegress.connect.it;

import io.twinegress.emulators.StandIn;
import io.twinegress.emulators.amqp.AmqpEmulator;

/**
 * What the two AMQP targets (Service Bus, Event Hubs) share in the delivery contract: the AMQP
 * stand-in, keys under a key name (the test's scope), connection strings naming the namespace, and
 * {@code path} naming the entity. The target's entities and what an arrival's event id is stay
 * with each IT.
 */
public abstract class AmqpTarget implements DeliveryContractIT.Target {

    private final String connector;
    private final AmqpEmulator amqp;

    protected AmqpTarget(String connector, AmqpEmulator amqp) {
        this.connector = connector;
        this.amqp = amqp;
    }

    @Override
    public String connector() {
        return connector;
    }

    @Override
    public StandIn<?> standIn() {
        return amqp;
    }

    @Override
    public String key(String label) {
        return label + "-key";
    }

    @Override
    public String connectionString(StandIn<?> standIn, String keyName, String key) {
        return ((AmqpEmulator) standIn).connectionString(keyName, key);
    }

    @Override
    public String path(StandIn<?> standIn, String entity) {
        return entity;
    }

    /** The class's stand-in, where the IT declared an entity with a small maximum message size. */
    @Override
    public StandIn<?> tooLargeStandIn() {
        return amqp;
    }
}
