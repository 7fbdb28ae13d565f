package io.twinegress.connect.it;

import io.twinegress.emulators.Received;
import io.twinegress.emulators.StandIn;
import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.amqp.ReceivedMessage;

import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The delivery contract's target for the two AMQP connectors (Service Bus, Event Hubs): the AMQP
 * stand-in, keys under a key name (the test's scope), connection strings naming the namespace,
 * {@code path} naming the entity. What differs between the two is passed in: how an entity is
 * declared, where an arrival's event id is, and the entity with a small maximum message size.
 */
public final class AmqpTarget implements DeliveryContractIT.Target {

    private final String connector;
    private final AmqpEmulator amqp;
    private final BiFunction<AmqpEmulator.Builder, String, AmqpEmulator.Builder> declare;
    private final BiConsumer<AmqpEmulator, String> add;
    private final Function<ReceivedMessage, String> eventId;
    private final String tooLargeEntity;
    private final int tooLargePadding;
    private final String tooLargeReason;

    /**
     * @param declare        declares an entity on a stand-in being built
     * @param add            adds an entity to a running stand-in
     * @param tooLargeEntity an entity of {@code amqp} whose maximum message size is below {@code tooLargePadding}
     */
    public AmqpTarget(String connector, AmqpEmulator amqp,
                      BiFunction<AmqpEmulator.Builder, String, AmqpEmulator.Builder> declare,
                      BiConsumer<AmqpEmulator, String> add, Function<ReceivedMessage, String> eventId,
                      String tooLargeEntity, int tooLargePadding, String tooLargeReason) {
        this.connector = connector;
        this.amqp = amqp;
        this.declare = declare;
        this.add = add;
        this.eventId = eventId;
        this.tooLargeEntity = tooLargeEntity;
        this.tooLargePadding = tooLargePadding;
        this.tooLargeReason = tooLargeReason;
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
    public StandIn<?> startAnother(String entity, String key) {
        return declare.apply(AmqpEmulator.builder(), entity).key(entity, key).start();
    }

    @Override
    public void addEntity(StandIn<?> standIn, String entity) {
        add.accept((AmqpEmulator) standIn, entity);
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

    @Override
    public String eventId(Received arrival) {
        return eventId.apply((ReceivedMessage) arrival);
    }

    @Override
    public StandIn<?> tooLargeStandIn() {
        return amqp;
    }

    @Override
    public String tooLargeEntity() {
        return tooLargeEntity;
    }

    @Override
    public int tooLargePadding() {
        return tooLargePadding;
    }

    @Override
    public String tooLargeReason() {
        return tooLargeReason;
    }
}
