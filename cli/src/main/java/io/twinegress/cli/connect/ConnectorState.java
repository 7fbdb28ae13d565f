package io.twinegress.cli.connect;

import java.util.List;

/**
 * {@code GET /connectors/<name>/status}, reduced to what the CLI shows.
 *
 * @param connector the connector's state (RUNNING, FAILED, PAUSED, UNASSIGNED, RESTARTING, STOPPED)
 * @param tasks     each task's state and the first line of its trace, if any
 */
public record ConnectorState(String connector, List<Task> tasks) {

    public record Task(int id, String state, String traceFirstLine) {
    }

    public ConnectorState {
        tasks = List.copyOf(tasks);
    }

    /** The connector and at least one task RUNNING, and no task in another state. */
    public boolean running() {
        return "RUNNING".equals(connector) && !tasks.isEmpty() && tasks.stream().allMatch(t -> "RUNNING".equals(t.state()));
    }

    public boolean failed() {
        return "FAILED".equals(connector) || tasks.stream().anyMatch(t -> "FAILED".equals(t.state()));
    }

    /** {@code RUNNING (1/1 tasks RUNNING)}, {@code RUNNING (task 0 FAILED)}... */
    public String summary() {
        long running = tasks.stream().filter(t -> "RUNNING".equals(t.state())).count();
        StringBuilder sb = new StringBuilder(connector).append(" (").append(running).append('/').append(tasks.size())
                .append(" tasks RUNNING");
        tasks.stream().filter(t -> !"RUNNING".equals(t.state()))
                .forEach(t -> sb.append(", task ").append(t.id()).append(' ').append(t.state()));
        return sb.append(')').toString();
    }
}
