package io.twinegress.emulators.amqp;

import io.twinegress.emulators.auth.AcceptedKeys;
import io.twinegress.emulators.auth.SasValidation;
import io.twinegress.emulators.auth.SharedAccessSignatures;
import io.twinegress.emulators.identity.IdentityProvider;
import io.twinegress.emulators.identity.Role;
import io.twinegress.emulators.identity.TokenCheck;
import java.time.Instant;
import java.util.Map;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.message.Message;

/**
 * The {@code $cbs} node (claims-based security): checks every {@code put-token} (application properties
 * {@code operation}, {@code type}, {@code name} = the audience {@code amqp://<namespace>/<entity>}; body =
 * the token) and grants the connection what the token covers. Two token types:
 * <ul>
 * <li>{@code servicebus.windows.net:sastoken}: a shared access signature, checked against the accepted
 *     keys;</li>
 * <li>{@code jwt}: a Microsoft Entra ID token, checked by the {@link IdentityProvider} (signature, issuer,
 *     audience, expiry) and then for the role the entity's service needs (Service Bus or Event Hubs Data
 *     Sender) on that entity, looked up now.</li>
 * </ul>
 * 202 when accepted; 401 with the reason when not, also for a missing role (the service answers an
 * unauthorized put-token with 401, never 403, which the SDK reads as a quota error). Reactor thread only.
 */
final class CbsNode {

    static final String JWT = "jwt";

    private final String host;
    private final AcceptedKeys keys;
    private final IdentityProvider identities;
    private final AmqpEntities entities;
    private final Connections connections;
    private final Replies replies;
    private final AmqpCounters counters;

    CbsNode(String host, AcceptedKeys keys, IdentityProvider identities, AmqpEntities entities, Connections connections,
            Replies replies, AmqpCounters counters) {
        this.host = host;
        this.keys = keys;
        this.identities = identities;
        this.entities = entities;
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
        if (JWT.equals(Replies.text(props, "type"))) {
            putJwt(conn, request, st, audience, token);
            return;
        }
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

    private void putJwt(Connection conn, Message request, ClientConnection st, String audience, String token) {
        String path = SharedAccessSignatures.pathOf(audience);
        String entityName = ClientConnection.entityOf(path);
        TokenCheck check = checkJwt(token, entityName);
        if (check.accepted()) {
            counters.add(AmqpCounters.Counter.TOKENS_ACCEPTED);
            st.grant(ClientConnection.Grant.ofToken(path, check.clientId(), identities.tokenId(token),
                    roleFor(entityName), check.expiresAt()));
            replies.reply(conn, request, 202, "Accepted", null);
            return;
        }
        counters.add(AmqpCounters.Counter.TOKENS_REFUSED);
        if (check.outcome() == TokenCheck.Outcome.MISSING_ROLE) {
            // the service's words for a principal without the data role, then which role it lacks
            replies.reply(conn, request, 401, "Unauthorized access. 'Send' claim(s) are required to perform this "
                    + "operation. Resource: 'sb://" + host + "/" + path + "'. " + check.reason(), null);
        } else {
            replies.reply(conn, request, 401, check.reason(), null);
        }
    }

    /** Checks an Entra ID token for sending to {@code entityName} (also used inline by {@code $management}). */
    TokenCheck checkJwt(String token, String entityName) {
        if (identities == null) {
            return new TokenCheck(TokenCheck.Outcome.INVALID_TOKEN, null, null, null,
                    "InvalidToken: this stand-in accepts shared access signatures only (no identity provider).");
        }
        return identities.check(token, roleFor(entityName), entityName);
    }

    /** Event Hubs Data Sender for an event hub; Service Bus Data Sender otherwise (also for unknown entities). */
    private Role roleFor(String entityName) {
        AmqpEntity e = entityName.isEmpty() ? null : entities.get(entityName);
        return e != null && e.kind() == AmqpEntity.Kind.EVENT_HUB ? Role.EVENT_HUBS_DATA_SENDER
                : Role.SERVICE_BUS_DATA_SENDER;
    }
}
