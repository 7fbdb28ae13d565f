package io.twinegress.connect.core;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.IllegalWorkerStateException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * A SinkTaskContext that records what the task asks of Connect. Pausing and resuming behave as the
 * worker's context does: only assigned partitions, remembered in {@link #paused}.
 */
public final class FakeContext implements SinkTaskContext {

    public record Reported(SinkRecord record, Throwable error) {
    }

    final Map<String, String> configs;
    final boolean withReporter;
    public final List<Reported> reported = new ArrayList<>();
    public long timeout = -1;
    /** What each errant-record write answers; written at once by default. */
    public java.util.function.Supplier<CompletableFuture<Void>> writes = () -> CompletableFuture.completedFuture(null);
    /** The partitions assigned to the task ({@link #assign}). */
    public final Set<TopicPartition> assignment = new LinkedHashSet<>();
    /** The partitions the task paused and has not resumed. */
    public final Set<TopicPartition> paused = new LinkedHashSet<>();

    public FakeContext(Map<String, String> configs, boolean withReporter) {
        this.configs = configs;
        this.withReporter = withReporter;
    }

    @Override
    public Map<String, String> configs() {
        return configs;
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
        throw new UnsupportedOperationException("the core never rewinds");
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
        throw new UnsupportedOperationException("the core never rewinds");
    }

    @Override
    public void timeout(long timeoutMs) {
        timeout = timeoutMs;
    }

    /** Assigns these partitions too (as a rebalance does before {@code open}). */
    public FakeContext assign(TopicPartition... partitions) {
        assignment.addAll(List.of(partitions));
        return this;
    }

    /** Takes these partitions away (as a rebalance does after {@code close}): no longer assigned nor paused. */
    public void revoke(TopicPartition... partitions) {
        List.of(partitions).forEach(assignment::remove);
        List.of(partitions).forEach(paused::remove);
    }

    @Override
    public Set<TopicPartition> assignment() {
        return Set.copyOf(assignment);
    }

    @Override
    public void pause(TopicPartition... partitions) {
        for (TopicPartition tp : partitions) {
            if (!assignment.contains(tp)) {
                throw new IllegalWorkerStateException("SinkTasks may not pause partitions that are not currently assigned to them.");
            }
        }
        paused.addAll(List.of(partitions));
    }

    @Override
    public void resume(TopicPartition... partitions) {
        for (TopicPartition tp : partitions) {
            if (!assignment.contains(tp)) {
                throw new IllegalWorkerStateException("SinkTasks may not resume partitions that are not currently assigned to them.");
            }
        }
        List.of(partitions).forEach(paused::remove);
    }

    @Override
    public void requestCommit() {
    }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
        if (!withReporter) {
            return null;
        }
        return (record, error) -> {
            reported.add(new Reported(record, error));
            return writes.get();
        };
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return null;
    }
}
