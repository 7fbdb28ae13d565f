package io.twinegress.emulators.amqp;

import java.util.Locale;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;

/**
 * Answers a client's link attach, as Azure does: request links to the {@code $cbs} and {@code $management}
 * nodes and the reply links back from them, and send links to an entity (refused when the entity is
 * unknown or no accepted token covers it). Links are routed by address, never by name (names repeat
 * across connections). Reactor thread only.
 */
final class LinkAttach {

    /** Link credit granted to every receiving link, topped up as deliveries arrive. */
    static final int CREDIT = 1000;

    private static final Symbol NOT_FOUND = Symbol.getSymbol("amqp:not-found");
    private static final Symbol UNAUTHORIZED = Symbol.getSymbol("amqp:unauthorized-access");
    private static final Symbol NOT_IMPLEMENTED = Symbol.getSymbol("amqp:not-implemented");

    private final String host;
    private final AmqpEntities entities;
    private final Connections connections;

    LinkAttach(String host, AmqpEntities entities, Connections connections) {
        this.host = host;
        this.entities = entities;
        this.connections = connections;
    }

    void attach(Link link) {
        if (link.getLocalState() != EndpointState.UNINITIALIZED) {
            return;
        }
        // echo source and target: a null one reads as "refused" to the SDK
        link.setSource(link.getRemoteSource());
        link.setTarget(link.getRemoteTarget());
        link.setSenderSettleMode(link.getRemoteSenderSettleMode());
        link.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        ClientConnection st = connections.of(link.getSession().getConnection());
        if (link instanceof Receiver receiver) {
            attachReceiver(receiver, st);
        } else {
            attachSender((Sender) link, st);
        }
    }

    /** The client sends on this link: a request to a node, or messages to an entity. */
    private void attachReceiver(Receiver link, ClientConnection st) {
        String address = link.getRemoteTarget() instanceof Target t ? t.getAddress() : null;
        String path = entityPath(address);
        if (path.equals("$cbs")) {
            open(link, new LinkRole(LinkRole.Kind.CBS, null, address));
            return;
        }
        if (path.equals("$management") || path.endsWith("/$management")) {
            AmqpEntity owner = path.equals("$management") ? null : entities.get(path.substring(0, path.indexOf('/')));
            open(link, new LinkRole(LinkRole.Kind.MANAGEMENT, owner, address));
            return;
        }
        String[] parts = path.split("/");
        AmqpEntity entity = entities.get(parts[0]);
        if (entity == null) {
            refuse(link, NOT_FOUND, "The messaging entity 'sb://" + host + "/" + parts[0]
                    + "' could not be found. To know more visit https://aka.ms/sbResourceMgrExceptions.");
            return;
        }
        String partitionId = null;
        if (parts.length > 1) {
            boolean partitionPath = entity.kind() == AmqpEntity.Kind.EVENT_HUB && parts.length == 3
                    && parts[1].equals("partitions") && entity.partitionIds().contains(parts[2]);
            if (!partitionPath) {
                refuse(link, NOT_FOUND, "The messaging entity 'sb://" + host + "/" + address + "' could not be found.");
                return;
            }
            partitionId = parts[2];
        }
        ClientConnection.Grant grant = st.covering(path);
        if (grant == null) {
            refuse(link, UNAUTHORIZED, "Unauthorized access. 'Send' claim(s) are required to perform this "
                    + "operation. Resource: 'sb://" + host + "/" + path + "'.");
            return;
        }
        link.setMaxMessageSize(UnsignedLong.valueOf(entity.maxMessageSize()));
        open(link, new LinkRole(LinkRole.Kind.ENTITY, entity, partitionId, address, grant));
    }

    /** The client receives on this link: replies from a node (anything else is not served). */
    private static void attachSender(Sender link, ClientConnection st) {
        String source = link.getRemoteSource() instanceof Source s ? s.getAddress() : null;
        String sourcePath = entityPath(source);
        String replyTo = link.getRemoteTarget() instanceof Target t ? t.getAddress() : null;
        if (sourcePath.equals("$cbs") || sourcePath.equals("$management") || sourcePath.endsWith("/$management")) {
            link.setContext(new LinkRole(LinkRole.Kind.REPLY, null, replyTo));
            if (replyTo != null) {
                st.replyLinks.put(replyTo, link);
            }
            link.open();
            return;
        }
        refuse(link, NOT_IMPLEMENTED, "The stand-in accepts sends only; receiving from '" + source
                + "' is not supported.");
    }

    private static void open(Receiver link, LinkRole role) {
        link.setContext(role);
        link.open();
        link.flow(CREDIT);
    }

    /**
     * Refuses an attach as Azure does: an attach without our terminus (null target for the client's
     * sender, null source for its receiver), then a detach carrying the error. With the terminus echoed
     * the SDK would take the link as open and fail later with a misleading "max message size 0 kb".
     */
    private static void refuse(Link link, Symbol condition, String description) {
        if (link instanceof Receiver) {
            link.setTarget(null);
        } else {
            link.setSource(null);
        }
        link.open();
        link.setCondition(new ErrorCondition(condition, description));
        link.close();
    }

    /** {@code amqps://host/a/b} or {@code a/b} → {@code a/b}, lower case. */
    static String entityPath(String address) {
        if (address == null) {
            return "";
        }
        String a = address.trim();
        int scheme = a.indexOf("://");
        if (scheme >= 0) {
            int slash = a.indexOf('/', scheme + 3);
            a = slash < 0 ? "" : a.substring(slash + 1);
        }
        while (a.startsWith("/")) {
            a = a.substring(1);
        }
        return a.toLowerCase(Locale.ROOT);
    }
}
