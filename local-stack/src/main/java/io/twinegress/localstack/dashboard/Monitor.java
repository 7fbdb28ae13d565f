package io.twinegress.localstack.dashboard;

import io.twinegress.connectrest.ConnectRest;
import io.twinegress.emulators.admin.AdminClient;
import io.twinegress.localstack.endpoints.SampleEndpoint;
import io.twinegress.localstack.endpoints.StatusWatcher;
import io.twinegress.localstack.kafka.Topics;
import io.twinegress.localstack.traffic.Ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * Gathers one table row per endpoint from where each fact lives: the router's status topic
 * (state), the Connect REST API and the connector's JMX metrics (task state, active key, backoff),
 * the stand-in (what arrived), the launcher's producer (what was sent), the dead-letter topics
 * (records counted by reading them). Lag is counted in records (sent for this endpoint, not yet arrived), not in offsets: the
 * router's exactly-once transactions leave a marker after each batch in the egress topics, and
 * Connect commits the offset after the last record, never past the marker, so a consumer-group lag
 * in offsets never reaches 0.
 */
public final class Monitor implements AutoCloseable {

    private final List<SampleEndpoint> endpoints;
    private final Ledger ledger;
    private final StatusWatcher statuses;
    private final ConnectRest connect;
    private final AdminClient standIns;
    private final ConnectJmx jmx;
    private final RecordCounter deadLetters;

    public Monitor(List<SampleEndpoint> endpoints, Ledger ledger, StatusWatcher statuses, ConnectRest connect,
            AdminClient standIns, String bootstrap, long connectPid) {
        this.endpoints = endpoints;
        this.ledger = ledger;
        this.statuses = statuses;
        this.connect = connect;
        this.standIns = standIns;
        this.jmx = new ConnectJmx(connectPid);
        List<String> dlqs = new ArrayList<>(List.of(Topics.ROUTER_DLQ));
        endpoints.forEach(e -> dlqs.add(Topics.connectorDlq(e.id())));
        this.deadLetters = new RecordCounter(bootstrap, dlqs);
    }

    public List<EndpointRow> rows() {
        List<EndpointRow> rows = new ArrayList<>();
        for (SampleEndpoint e : endpoints) {
            long expected = ledger.expected(e);
            long delivered = delivered(e);
            rows.add(new EndpointRow(e.id(), e.type().name(), state(e), activeKey(e), expected, delivered,
                    delivered < 0 ? -1 : Math.max(0, expected - delivered), deadLetters.count(Topics.connectorDlq(e.id()))));
        }
        return rows;
    }

    /** One line per endpoint with a content filter: the filter as the router's Active status shows it. */
    public List<String> filterLines() {
        List<String> lines = new ArrayList<>();
        for (SampleEndpoint e : endpoints) {
            if (e.filter() != null) {
                StatusWatcher.Status s = statuses.status(e.id());
                String shown = s != null && s.filter() != null ? s.filter() : "(not Active yet)";
                lines.add(String.format("filter of %s (as the router understood it): %s", e.id(), shown));
            }
        }
        return lines;
    }

    /** Records the router dead-lettered (bad input). */
    public long routerDeadLettered() {
        return deadLetters.count(Topics.ROUTER_DLQ);
    }

    private String state(SampleEndpoint e) {
        StatusWatcher.Status s = statuses.status(e.id());
        String router = s == null ? "pending" : s.state();
        String task;
        try {
            task = connect.connectorStatus(e.id()).map(Monitor::taskState).orElse("no connector");
        } catch (Exception ex) {
            task = "?";
        }
        Object backingOff = jmx.taskMetric(e.id(), "backing-off");
        if (backingOff instanceof Number n && n.intValue() == 1) {
            task = "backing off";
        }
        return router + "/" + task;
    }

    /** "running", or the connector's and its tasks' states, e.g. {@code RUNNING/FAILED}. */
    private static String taskState(ConnectRest.ConnectorStatus c) {
        if (c.isRunning()) {
            return "running";
        }
        StringBuilder sb = new StringBuilder(String.valueOf(c.connector().state()));
        String tasks = String.join(",", c.sortedTasks().values().stream().map(t -> String.valueOf(t.state())).toList());
        return tasks.isEmpty() ? sb.toString() : sb.append('/').append(tasks).toString();
    }

    /** "primary"/"secondary" from the connector's metrics; else from the key behind the last arrival. */
    public String activeKey(SampleEndpoint e) {
        Object k = jmx.taskMetric(e.id(), "active-key");
        if (k != null) {
            return k.toString();
        }
        try {
            AdminClient.Arrival last = e.standIn(standIns).last(e.entity());
            String fp = last == null ? null : last.keyFingerprint();
            if (fp == null) {
                return "-";
            }
            if (fp.equals(AdminClient.fingerprint(e.primaryKey()))) {
                return "primary*";
            }
            if (fp.equals(AdminClient.fingerprint(e.secondaryKey()))) {
                return "secondary*";
            }
            return "?";
        } catch (Exception ex) {
            return "?";
        }
    }

    private long delivered(SampleEndpoint e) {
        try {
            return e.standIn(standIns).count(e.entity());
        } catch (Exception ex) {
            return -1;
        }
    }

    @Override
    public void close() {
        jmx.close();
        deadLetters.close();
    }
}
