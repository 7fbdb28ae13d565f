package io.twinegress.emulators.amqp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request and response as Azure's {@code $cbs} and {@code $management} nodes do it: the request is
 * settled at once, the answer goes after the response delay on the link whose target is the request's
 * {@code reply-to}, pre-settled, with {@code correlation-id} = the request's {@code message-id} and the
 * application properties {@code status-code} (an AMQP int) and {@code status-description}. Answers wait
 * for link credit. Reactor thread only.
 */
final class Replies {

    private static final Logger LOG = LoggerFactory.getLogger(Replies.class);

    private final ReactorThread reactorThread;
    private final Connections connections;
    private final AtomicLong deliveryTags = new AtomicLong();

    Replies(ReactorThread reactorThread, Connections connections) {
        this.reactorThread = reactorThread;
        this.connections = connections;
    }

    /** Decodes a request and settles its delivery (accepted). */
    static Message take(Delivery d, byte[] bytes) {
        Message request = AmqpCodec.decodeRequest(bytes);
        if (!d.remotelySettled()) {
            d.disposition(Accepted.getInstance());
        }
        d.settle();
        return request;
    }

    /** A request's application properties with string keys (empty when it has none). */
    static Map<String, Object> properties(Message request) {
        ApplicationProperties ap = request.getApplicationProperties();
        Map<String, Object> out = new HashMap<>();
        if (ap != null && ap.getValue() != null) {
            ap.getValue().forEach((k, v) -> out.put(String.valueOf(k), v));
        }
        return out;
    }

    /** The property {@code name} of a request as a string, or null. */
    static String text(Map<String, Object> properties, String name) {
        Object v = properties.get(name);
        return v == null ? null : v.toString();
    }

    /** Answers {@code request} on its reply-to link, after the configured delay; {@code body} may be null. */
    void reply(Connection conn, Message request, int status, String description, Map<String, Object> body) {
        Message response = Proton.message();
        Object correlation = request.getMessageId() != null ? request.getMessageId() : request.getCorrelationId();
        response.setCorrelationId(correlation);
        Map<String, Object> ap = new HashMap<>();
        ap.put("status-code", status); // an AMQP int: a long or uint crashes the SDK
        ap.put("status-description", description);
        response.setApplicationProperties(new ApplicationProperties(ap));
        if (body != null) {
            response.setBody(new AmqpValue(body));
        }
        byte[] encoded = AmqpCodec.encode(response);
        String replyTo = request.getReplyTo();
        reactorThread.later(() -> {
            ClientConnection st = connections.get(conn);
            if (st == null) {
                return; // the client went away meanwhile
            }
            Sender link = replyTo == null ? null : st.replyLinks.get(replyTo);
            if (link == null) {
                LOG.debug("no reply link for reply-to {}", replyTo);
                return;
            }
            st.pendingReplies.computeIfAbsent(link, l -> new ArrayList<>()).add(encoded);
            flush(link);
        });
    }

    /** Sends what waits for {@code link} while it has credit. */
    void flush(Sender link) {
        ClientConnection st = connections.get(link.getSession().getConnection());
        if (st == null || link.getLocalState() != EndpointState.ACTIVE) {
            return;
        }
        List<byte[]> pending = st.pendingReplies.get(link);
        while (pending != null && !pending.isEmpty() && link.getCredit() > 0) {
            byte[] encoded = pending.remove(0);
            Delivery out = link.delivery(Long.toString(deliveryTags.incrementAndGet())
                    .getBytes(StandardCharsets.US_ASCII));
            link.send(encoded, 0, encoded.length);
            link.advance();
            out.settle(); // replies go pre-settled
        }
    }

    /** Forgets a reply link the client detached, and what still waited for it. */
    void detached(Link link) {
        ClientConnection st = connections.get(link.getSession().getConnection());
        if (st != null && link instanceof Sender s) {
            st.replyLinks.values().removeIf(l -> l == s);
            st.pendingReplies.remove(s);
        }
    }
}
