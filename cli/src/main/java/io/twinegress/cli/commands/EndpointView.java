package io.twinegress.cli.commands;

import io.twinegress.cli.connect.ConnectorConfigs;
import io.twinegress.cli.kafka.StatusRow;
import io.twinegress.connectrest.ConnectRest.ConnectorStatus;
import io.twinegress.schemas.EndpointStatus;
import java.util.Optional;

/**
 * One endpoint as {@code list} and {@code status} show it: the router's state from the status
 * topic (with its content filter as the router understood it), the connector's state from Connect,
 * the lag of its consumer group and its dead letters.
 */
record EndpointView(String type, String state, String connector, String lag, String deadLettered, String eventTypes, String filter) {

    /** Shown for an Active endpoint without a filter. */
    static final String NO_FILTER = "none";

    static EndpointView of(Context ctx, String id, StatusRow row, Optional<ConnectorStatus> connector) {
        EndpointStatus s = row == null ? null : row.status();
        String state = row == null ? "(none)" : s == null ? "unreadable" : s.state().name();
        String type = s != null && s.endpoint() != null ? s.endpoint().type().name() : "-";
        String types = s != null && s.endpoint() != null
                ? String.join(",", s.endpoint().eventTypes().stream().map(Enum::name).toList()) : "-";
        // As the router understood it (its canonical form): what the status record holds, not what was sent.
        String filter = s == null || s.endpoint() == null ? "-" : s.endpoint().filter() == null ? NO_FILTER : s.endpoint().filter().canonical();
        String lag = "-";
        String egress = ctx.kafka().topics().egress(id);
        if (connector.isPresent()) {
            lag = ctx.kafka().lag("connect-" + id, egress).map(String::valueOf).orElse("-");
        }
        String dlq = ctx.kafka().recordCount(egress + ConnectorConfigs.DLQ_SUFFIX).map(String::valueOf).orElse("-");
        return new EndpointView(type, state, connector.map(ConnectorStatus::summary).orElse("(no connector)"), lag, dlq, types, filter);
    }
}
