package io.twinegress.testing.kafka;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * A sink connector for harness tests: counts the records its tasks receive, per connector
 * name, in a JVM-wide map the test reads. Loaded by the in-JVM worker from the test
 * classpath through {@code META-INF/services/org.apache.kafka.connect.sink.SinkConnector}.
 */
public class CountingSinkConnector extends SinkConnector {

    private static final Map<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();

    private Map<String, String> props;

    /** Records received so far by the tasks of connector {@code name}. */
    static long count(String name) {
        AtomicLong count = COUNTS.get(name);
        return count == null ? 0 : count.get();
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return CountingSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(props);
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public String version() {
        return "test";
    }

    /** Adds every record it is given to its connector's count. */
    public static class CountingSinkTask extends SinkTask {

        private AtomicLong count;

        @Override
        public void start(Map<String, String> props) {
            count = COUNTS.computeIfAbsent(props.get("name"), n -> new AtomicLong());
        }

        @Override
        public void put(Collection<SinkRecord> records) {
            count.addAndGet(records.size());
        }

        @Override
        public void stop() {
        }

        @Override
        public String version() {
            return "test";
        }
    }
}
