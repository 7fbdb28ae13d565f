package io.twinegress.localstack.dashboard;

import io.twinegress.localstack.connect.ConnectRest;
import io.twinegress.localstack.endpoints.SampleEndpoint;
import io.twinegress.localstack.endpoints.StatusWatcher;
import io.twinegress.localstack.kafka.Topics;
import io.twinegress.localstack.standins.StandInsAdmin;
import io.twinegress.localstack.traffic.Ledger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Gathers one table row per endpoint from where each fact lives: the router's status topic
 * (state), the Connect REST API and the connector's JMX metrics (task state, active key, backoff),
 * the stand-in (what arrived), the broker (lag of the connector's group, dead-letter topic).
 */
public final class Monitor implements AutoCloseable {

    private final List<SampleEndpoint> endpoints;
    private final Ledger ledger;
    private final StatusWatcher statuses;
    private final ConnectRest connect;
    private final StandInsAdmin standIns;
    private final Admin admin;
    private final ConnectJmx jmx;

    public Monitor(List<SampleEndpoint> endpoints, Ledger ledger, StatusWatcher statuses, ConnectRest connect,
            StandInsAdmin standIns, Admin admin, long connectPid) {
        this.endpoints = endpoints;
        this.ledger = ledger;
        this.statuses = statuses;
        this.connect = connect;
        this.standIns = standIns;
        this.admin = admin;
        this.jmx = new ConnectJmx(connectPid);
    }

    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (SampleEndpoint e : endpoints) {
            rows.add(new Row(e.id(), e.type().name(), state(e), activeKey(e), ledger.expected(e), delivered(e),
                    lag(e), endOffsetSum(Topics.connectorDlq(e.id()))));
        }
        return rows;
    }

    /** Records the router dead-lettered (bad input). */
    public long routerDeadLettered() {
        return endOffsetSum(Topics.ROUTER_DLQ);
    }

    private String state(SampleEndpoint e) {
        StatusWatcher.Status s = statuses.status(e.id());
        String router = s == null ? "pending" : s.state();
        String task;
        try {
            ConnectRest.Status c = connect.status(e.id());
            task = c == null ? "no connector" : c.running() ? "running" : c.toString();
        } catch (Exception ex) {
            task = "?";
        }
        Object backingOff = jmx.taskMetric(e.id(), "backing-off");
        if (backingOff instanceof Number n && n.intValue() == 1) {
            task = "backing off";
        }
        return router + "/" + task;
    }

    /** "primary"/"secondary" from the connector's metrics; else from the key behind the last arrival. */
    public String activeKey(SampleEndpoint e) {
        Object k = jmx.taskMetric(e.id(), "active-key");
        if (k != null) {
            return k.toString();
        }
        try {
            String fp = standIns.lastKeyFingerprint(e);
            if (fp == null) {
                return "-";
            }
            if (fp.equals(fingerprint(e.primaryKey()))) {
                return "primary*";
            }
            if (fp.equals(fingerprint(e.secondaryKey()))) {
                return "secondary*";
            }
            return "?";
        } catch (Exception ex) {
            return "?";
        }
    }

    /** The stand-ins' one-way key label (first 12 hex digits of SHA-256): compares keys without showing them. */
    public static String fingerprint(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (java.security.NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private long delivered(SampleEndpoint e) {
        try {
            return standIns.count(e);
        } catch (Exception ex) {
            return -1;
        }
    }

    private long lag(SampleEndpoint e) {
        try {
            Map<TopicPartition, Long> ends = endOffsets(Topics.egress(e.id()));
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("connect-" + e.id())
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            long lag = 0;
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(end.getKey());
                lag += Math.max(0, end.getValue() - (c == null ? 0 : c.offset()));
            }
            return lag;
        } catch (Exception ex) {
            return -1;
        }
    }

    private long endOffsetSum(String topic) {
        try {
            return endOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
        } catch (Exception ex) {
            return 0;
        }
    }

    /** Last stable offsets (read_committed: transaction markers of the router's EOS do not count as lag). */
    private Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic);
        Map<TopicPartition, OffsetSpec> req = new HashMap<>();
        d.partitions().forEach(p -> req.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(req, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(5, TimeUnit.SECONDS)
                .forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    @Override
    public void close() {
        jmx.close();
    }
}
