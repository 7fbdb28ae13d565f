package io.twinegress.emulators.amqp;

import io.twinegress.emulators.ArrivalLog;
import io.twinegress.emulators.auth.AcceptedKeys;
import io.twinegress.emulators.auth.SasValidation;
import io.twinegress.emulators.auth.SharedAccessSignatures;
import io.twinegress.emulators.identity.IdentityProvider;
import io.twinegress.emulators.identity.TokenCheck;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.message.Message;

/**
 * The namespace-level {@code $management} node, as far as the Event Hubs producer uses it: {@code READ}
 * of an event hub ({@code getEventHubProperties}, {@code getPartitionIds}: name, {@code created_at},
 * {@code partition_ids} as an AMQP array of strings) and of one partition. The token travels inline in
 * {@code security_token}: a shared access signature, or an Entra ID token checked as {@link CbsNode} does. Anything else is answered 501. Reactor thread only.
 */
final class ManagementNode {

    private final String host;
    private final AmqpEntities entities;
    private final AcceptedKeys keys;
    private final ArrivalLog<ReceivedMessage> log;
    private final Replies replies;
    private final AmqpCounters counters;
    private final CbsNode cbs;

    ManagementNode(String host, AmqpEntities entities, AcceptedKeys keys, ArrivalLog<ReceivedMessage> log,
                   Replies replies, AmqpCounters counters, CbsNode cbs) {
        this.cbs = cbs;
        this.host = host;
        this.entities = entities;
        this.keys = keys;
        this.log = log;
        this.replies = replies;
        this.counters = counters;
    }

    void request(Connection conn, Delivery d, LinkRole role, byte[] bytes) {
        Message request = Replies.take(d, bytes);
        Map<String, Object> props = Replies.properties(request);
        String operation = String.valueOf(props.get("operation"));
        String type = String.valueOf(props.get("type"));
        String name = Replies.text(props, "name");
        if (role.entity() != null || !"READ".equals(operation)) {
            replies.reply(conn, request, 501, "The stand-in does not implement operation '" + operation + "' on "
                    + role.nodeAddress() + ".", null);
            return;
        }
        AmqpEntity hub = name == null ? null : entities.get(name);
        String securityToken = Replies.text(props, "security_token");
        String refusal;
        if (IdentityProvider.isJwt(securityToken)) {
            TokenCheck check = cbs.checkJwt(securityToken, name == null ? "" : name);
            refusal = check.accepted() ? null : check.reason();
        } else {
            SasValidation auth = SharedAccessSignatures.validateServiceBusToken(securityToken,
                    "amqp://" + host + "/" + (name == null ? "" : name), keys, Instant.now());
            refusal = auth.valid() ? null : auth.reason();
        }
        if (refusal != null) {
            counters.add(AmqpCounters.Counter.TOKENS_REFUSED);
            replies.reply(conn, request, 401, refusal, null);
            return;
        }
        if (hub == null || hub.kind() != AmqpEntity.Kind.EVENT_HUB) {
            replies.reply(conn, request, 404, "The messaging entity 'sb://" + host + "/" + name
                    + "' could not be found.", null);
            return;
        }
        if ("com.microsoft:eventhub".equals(type)) {
            replies.reply(conn, request, 200, "OK", hubProperties(hub));
        } else if ("com.microsoft:partition".equals(type)) {
            String partition = Replies.text(props, "partition");
            if (partition == null || !hub.partitionIds().contains(partition)) {
                replies.reply(conn, request, 404, "Partition '" + partition + "' of '" + hub.name() + "' not found.",
                        null);
                return;
            }
            replies.reply(conn, request, 200, "OK", partitionProperties(hub, partition));
        } else {
            replies.reply(conn, request, 400, "Unknown management entity type '" + type + "'.", null);
        }
    }

    private static Map<String, Object> hubProperties(AmqpEntity hub) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("name", hub.name());
        result.put("type", "com.microsoft:eventhub");
        result.put("created_at", Date.from(hub.createdAt()));
        result.put("partition_count", hub.partitionCount());
        result.put("partition_ids", hub.partitionIds().toArray(new String[0])); // an AMQP array of strings
        return result;
    }

    /** A partition's properties, its sequence numbers counted from what the stand-in recorded there. */
    private Map<String, Object> partitionProperties(AmqpEntity hub, String partition) {
        List<ReceivedMessage> inPartition = log.list(hub.name()).stream()
                .filter(m -> partition.equals(m.partitionId())).toList();
        long last = inPartition.size() - 1L;
        Instant lastTime = inPartition.isEmpty() ? Instant.EPOCH : inPartition.get(inPartition.size() - 1).receivedAt();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("name", hub.name());
        result.put("type", "com.microsoft:partition");
        result.put("partition", partition);
        result.put("begin_sequence_number", inPartition.isEmpty() ? -1L : 0L);
        result.put("last_enqueued_sequence_number", last);
        result.put("last_enqueued_offset", Long.toString(Math.max(-1L, last)));
        result.put("last_enqueued_time_utc", Date.from(lastTime));
        result.put("runtime_info_retrieval_time_utc", new Date());
        result.put("is_partition_empty", inPartition.isEmpty());
        return result;
    }
}
