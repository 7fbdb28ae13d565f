package io.twinegress.emulators.amqp;

import io.twinegress.emulators.auth.AcceptedKeys;
import io.twinegress.emulators.auth.SasValidation;
import io.twinegress.emulators.auth.SharedAccessSignatures;
import java.time.Instant;
import java.util.Map;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.message.Message;

/**
 * The {@code $cbs} node (claims-based security): checks every {@code put-token} (application properties
 * {@code operation}, {@code name} = the audience; body = the SAS token) against the accepted keys and
 * grants the connection what the token covers. 202 when accepted; 401 with the reason when not (never
 * 403, which the SDK reads as a quota error). Reactor thread only.
 */
final class CbsNode {

    private final AcceptedKeys keys;
    private final Connections connections;
    private final Replies replies;
    private final AmqpCounters counters;

    CbsNode(AcceptedKeys keys, Connections connections, Replies replies, AmqpCounters counters) {
        this.keys = keys;
        this.connections = connections;
        this.replies = replies;
        this.counters = counters;
    }

    void request(Connection conn, Delivery d, byte[] bytes) {
        Message request = Replies.take(d, bytes);
        Map<String, Object> props = Replies.properties(request);
        String operation = String.valueOf(props.get("operation"));
        String audience = Replies.text(props, "name");
        ClientConnection st = connections.get(conn);
        if (st == null) {
            return;
        }
        if (!"put-token".equals(operation)) {
            replies.reply(conn, request, 400, "Unsupported operation '" + operation + "' on $cbs.", null);
            return;
        }
        Object body = request.getBody() instanceof AmqpValue v ? v.getValue() : null;
        String token = body == null ? null : body.toString();
        SasValidation result = SharedAccessSignatures.validateServiceBusToken(token, audience, keys, Instant.now());
        if (result.valid()) {
            counters.add(AmqpCounters.Counter.TOKENS_ACCEPTED);
            st.grant(new ClientConnection.Grant(SharedAccessSignatures.pathOf(audience), result.keyName(), result.key()));
            replies.reply(conn, request, 202, "Accepted", null);
        } else {
            counters.add(AmqpCounters.Counter.TOKENS_REFUSED);
            replies.reply(conn, request, 401, result.reason(), null);
        }
    }
}
