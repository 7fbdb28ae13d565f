package io.twinegress.cli.commands;

import io.twinegress.cli.kafka.EndpointTopics;
import io.twinegress.cli.kafka.StatusRow;
import io.twinegress.connectrest.ConnectRest;
import io.twinegress.schemas.EndpointState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import picocli.CommandLine.Command;

/** {@code endpoints list}: one line per endpoint, from the status topic plus connectors reading an egress topic that has no status. */
@Command(name = "list", sortOptions = false, abbreviateSynopsis = true,
        description = "One line per endpoint: state, connector, lag, dead letters, event types, filter.")
public final class ListCommand extends EndpointCommand {

    public ListCommand(Session session) {
        super(session);
    }

    @Override
    void run(Context ctx) {
        EndpointTopics kafka = ctx.kafka();
        kafka.checkControlTopics();
        Map<String, StatusRow> statuses = kafka.statuses();
        Map<String, ConnectRest.Described> connectors = ctx.connect().describeAll();
        TreeSet<String> ids = new TreeSet<>();
        statuses.forEach((id, row) -> {
            if (row.status() == null || row.status().state() != EndpointState.Deleted || connectors.containsKey(id)) {
                ids.add(id);
            }
        });
        connectors.forEach((name, c) -> {
            if (c.config().getOrDefault("topics", "").equals(kafka.topics().egress(name))) {
                ids.add(name);
            }
        });
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"endpoint", "type", "state", "connector", "lag", "dead-lettered", "event types", "filter"});
        for (String id : ids) {
            EndpointView v = EndpointView.of(ctx, id, statuses.get(id),
                    Optional.ofNullable(connectors.get(id)).map(ConnectRest.Described::status));
            rows.add(new String[] {id, v.type(), v.state(), v.connector(), v.lag(), v.deadLettered(), v.eventTypes(), v.filter()});
        }
        int[] w = new int[rows.get(0).length];
        rows.forEach(r -> {
            for (int c = 0; c < r.length; c++) {
                w[c] = Math.max(w[c], r[c].length());
            }
        });
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < r.length; c++) {
                boolean numeric = c == 4 || c == 5;
                String pad = " ".repeat(w[c] - r[c].length());
                line.append(numeric ? pad + r[c] : r[c] + (c + 1 < r.length ? pad : "")).append(c + 1 < r.length ? "  " : "");
            }
            ctx.console().out(line.toString());
        }
        if (ids.isEmpty()) {
            ctx.console().out("(no endpoints)");
        }
    }
}
