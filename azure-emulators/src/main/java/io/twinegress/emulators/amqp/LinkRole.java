package io.twinegress.emulators.amqp;

/**
 * What an attached link is for, kept as the link's context: which node or entity it talks to.
 *
 * @param entity      the entity of an entity link or of an entity-level {@code $management} link; else null
 * @param partitionId the partition an Event Hubs link names ({@code hub/Partitions/N}); else null
 * @param nodeAddress the address as the client sent it (a reply link's: its target)
 * @param grant       the accepted token that lets an entity link send; else null
 */
record LinkRole(Kind kind, AmqpEntity entity, String partitionId, String nodeAddress, ClientConnection.Grant grant) {

    LinkRole(Kind kind, AmqpEntity entity, String nodeAddress) {
        this(kind, entity, null, nodeAddress, null);
    }

    enum Kind { CBS, MANAGEMENT, ENTITY, REPLY }
}
