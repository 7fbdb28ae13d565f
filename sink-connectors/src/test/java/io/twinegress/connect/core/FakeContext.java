package io.twinegress.connect.core;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** A SinkTaskContext that records what the task asks of Connect. */
public final class FakeContext implements SinkTaskContext {

    public record Reported(SinkRecord record, Throwable error) {
    }

    final Map<String, String> configs;
    final boolean withReporter;
    public final List<Reported> reported = new ArrayList<>();
    public long timeout = -1;

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

    @Override
    public Set<TopicPartition> assignment() {
        return Set.of();
    }

    @Override
    public void pause(TopicPartition... partitions) {
    }

    @Override
    public void resume(TopicPartition... partitions) {
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
            return CompletableFuture.completedFuture(null);
        };
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return null;
    }
}
