package io.twinegress.emulators.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinegress.emulators.StandIn;
import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.amqp.AmqpEntity;
import io.twinegress.emulators.amqp.ReceivedMessage;
import io.twinegress.emulators.eventgrid.EventGridEmulator;
import io.twinegress.emulators.eventgrid.ReceivedEvent;
import io.twinegress.emulators.identity.Identity;
import io.twinegress.emulators.identity.IdentityProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.BiConsumer;

/** The JSON the admin API answers with: status, counts, and pages of what arrived. Never a key. */
final class Views {

    static final ObjectMapper JSON = new ObjectMapper();

    private Views() {
    }

    /** Ports, reachability, faults and counters of each enabled stand-in (null: disabled). */
    static ObjectNode status(AmqpEmulator amqp, EventGridEmulator eventGrid) {
        ObjectNode root = JSON.createObjectNode();
        if (amqp != null) {
            ObjectNode n = standIn(root.putObject("amqp"), amqp);
            n.put("openConnections", amqp.openConnections());
            n.put("tokensAccepted", amqp.tokensAccepted());
            n.put("tokensRefused", amqp.tokensRefused());
            n.put("transfersAccepted", amqp.transfersAccepted());
            n.put("transfersThrottled", amqp.transfersThrottled());
            n.put("duplicatesDropped", amqp.duplicatesDropped());
            n.put("tlsPort", amqp.tlsPort());
            n.put("entraIdTokens", amqp.identities() != null);
            ObjectNode keys = n.putObject("keyCounts");
            amqp.keyCounts().forEach(keys::put);
            ArrayNode entities = n.putArray("entities");
            for (AmqpEntity e : amqp.entities()) {
                ObjectNode en = entities.addObject();
                en.put("name", e.name());
                en.put("kind", e.kind().name());
                en.put("partitions", e.partitionCount());
                en.put("maxMessageSize", e.maxMessageSize());
                en.put("duplicateDetectionSeconds", e.duplicateDetectionWindow().toSeconds());
                en.put("type", e.type());
                en.put("sessions", e.requiresSession());
                en.put("partitioned", e.partitioned());
            }
        }
        if (eventGrid != null) {
            ObjectNode n = standIn(root.putObject("eventGrid"), eventGrid);
            ArrayNode topics = n.putArray("topics");
            n.put("tlsPort", eventGrid.tlsPort());
            n.put("entraIdTokens", eventGrid.identities() != null);
            for (String t : eventGrid.topics()) {
                ObjectNode tn = topics.addObject().put("name", t);
                boolean namespace = eventGrid.isNamespaceTopic(t);
                tn.put("namespace", namespace);
                tn.put("schema", eventGrid.schemaOf(t) == EventGridEmulator.Schema.CLOUD_EVENTS ? "cloudevents" : "eventgrid");
                if (!namespace) {
                    tn.put("url", eventGrid.endpoint(t));
                }
                if (eventGrid.tls() != null) {
                    tn.put("httpsUrl", namespace ? eventGrid.namespacePublishUrl(t) : eventGrid.httpsEndpoint(t));
                }
            }
            ObjectNode responses = n.putObject("responses");
            eventGrid.responseCounts().forEach((k, v) -> responses.put(Integer.toString(k), v));
        }
        return root;
    }

    /** Identities (no secrets), their roles and tokens issued, token lifetime and endpoints. */
    static ObjectNode identity(IdentityProvider idp) {
        ObjectNode n = JSON.createObjectNode();
        n.put("authorityHost", idp.authorityHost());
        n.put("tenant", idp.tenantId());
        n.put("managedIdentityEndpoint", idp.managedIdentityEndpoint());
        n.put("tokenLifetimeSeconds", idp.tokenLifetime().toSeconds());
        n.put("tokenRequestsRefused", idp.tokenRequestsRefused());
        n.put("tokenChecksRefused", idp.tokenChecksRefused());
        ArrayNode ids = n.putArray("identities");
        for (Identity i : idp.identities()) {
            ObjectNode in = ids.addObject();
            in.put("clientId", i.clientId());
            in.put("objectId", i.objectId());
            in.put("kinds", i.kinds());
            in.put("tokensIssued", idp.tokensIssued(i.clientId()));
            ObjectNode roles = in.putObject("roles");
            idp.rolesOf(i.clientId()).forEach((role, scopes) -> {
                ArrayNode a = roles.putArray(role);
                scopes.forEach(a::add);
            });
        }
        return n;
    }

    /** What every stand-in reports. */
    private static ObjectNode standIn(ObjectNode n, StandIn<?> s) {
        n.put("port", s.port());
        n.put("endpoint", s.endpoint());
        n.put("reachable", s.isReachable());
        n.put("throttling", s.isThrottling());
        n.put("responseDelayMs", s.responseDelay().toMillis());
        n.put("handlerErrors", s.handlerErrors().size());
        return n;
    }

    /** Arrivals per served entity, under {@code name}. */
    static void counts(ObjectNode root, String name, StandIn<?> s) {
        ObjectNode n = root.putObject(name);
        s.entityNames().forEach(e -> n.put(e, s.count(e)));
    }

    /** One page of the messages an AMQP entity accepted; {@code count} is all of them. */
    static ObjectNode messages(List<ReceivedMessage> all, int limit, int offset) {
        return page("messages", all, limit, offset, (n, m) -> {
            n.put("entity", m.entity());
            n.put("partitionId", m.partitionId());
            n.put("partitionKey", m.partitionKey());
            n.put("messageId", m.messageId());
            n.put("correlationId", m.correlationId());
            n.put("contentType", m.contentType());
            n.put("subject", m.subject());
            ObjectNode props = n.putObject("applicationProperties");
            m.applicationProperties().forEach((k, v) -> props.put(k, v instanceof byte[] bytes
                    ? Base64.getEncoder().encodeToString(bytes) : String.valueOf(v)));
            String text = utf8OrNull(m.body());
            if (text != null) {
                n.put("body", text);
            } else {
                n.put("bodyBase64", Base64.getEncoder().encodeToString(m.body()));
            }
            n.put("bodyBytes", m.body().length);
            n.put("receivedAt", m.receivedAt().toString());
            n.put("transferId", m.transferId());
            n.put("transferSize", m.transferSize());
            n.put("keyName", m.keyName());
            n.put("keyFingerprint", m.keyFingerprint());
            n.put("principal", m.principal());
            n.put("sessionId", m.sessionId());
            n.put("replyTo", m.replyTo());
            n.put("replyToSessionId", m.replyToSessionId());
            n.put("to", m.to());
            n.put("timeToLiveMs", m.timeToLive() == null ? null : m.timeToLive().toMillis());
            n.put("expiresAt", m.expiresAt() == null ? null : m.expiresAt().toString());
            n.put("scheduledEnqueueTime", m.scheduledEnqueueTime() == null ? null : m.scheduledEnqueueTime().toString());
            n.put("deadLetterReason", m.deadLetterReason());
            n.put("overTls", m.overTls());
            ObjectNode annotations = n.putObject("messageAnnotations");
            m.messageAnnotations().forEach((k, v) -> annotations.put(k, String.valueOf(v)));
        });
    }

    /** One page of the events an Event Grid topic accepted; {@code count} is all of them. */
    static ObjectNode events(List<ReceivedEvent> all, int limit, int offset) {
        return page("events", all, limit, offset, (n, e) -> {
            n.put("topic", e.topic());
            n.put("receivedAt", e.receivedAt().toString());
            n.put("requestId", e.requestId());
            n.put("requestSize", e.requestSize());
            n.put("keyFingerprint", e.keyFingerprint());
            n.put("principal", e.principal());
            n.put("cloudEvent", e.cloudEvent());
            n.put("namespaceTopic", e.namespaceTopic());
            n.put("contentType", e.contentType());
            n.put("overTls", e.overTls());
            try {
                n.set("event", JSON.readTree(e.json()));
            } catch (IOException ex) {
                n.put("eventJson", e.json());
            }
        });
    }

    /** {@code {"count": all, "<name>": [the page, each row with its "index"]}}. */
    private static <T> ObjectNode page(String name, List<T> all, int limit, int offset, BiConsumer<ObjectNode, T> row) {
        ObjectNode root = JSON.createObjectNode();
        root.put("count", all.size());
        ArrayNode arr = root.putArray(name);
        for (int i = offset; i < all.size() && i < offset + limit; i++) {
            ObjectNode n = arr.addObject();
            n.put("index", i);
            row.accept(n, all.get(i));
        }
        return root;
    }

    private static String utf8OrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
