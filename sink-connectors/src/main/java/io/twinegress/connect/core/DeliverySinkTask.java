package io.twinegress.connect.core;

import com.azure.core.credential.TokenCredential;
import io.twinegress.connect.auth.AuthMode;
import io.twinegress.connect.auth.EntraCredentials;
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * Base of every twin-egress sink task: wires Connect's task lifecycle to a {@link DeliveryEngine}.
 * Needs a Connect worker of Kafka 4.1 or later (the task registers its metrics through
 * {@code SinkTaskContext.pluginMetrics()}). A connector's task only parses its config and opens a
 * sender for a key:
 *
 * <pre>{@code
 * public class EventHubsSinkTask extends DeliverySinkTask {
 *     protected DeliveryConfig parseConfig(Map<String, String> props) { return new EventHubsSinkConfig(props); }
 *     protected EndpointSender openSender(DeliveryConfig config, KeySlot slot, Password connectionString) {
 *         return new EventHubsSender((EventHubsSinkConfig) config, connectionString);
 *     }
 * }
 * }</pre>
 */
public abstract class DeliverySinkTask extends SinkTask {

    private DeliveryConfig config;
    private DeliveryEngine engine;
    private ExecutorService sendThread;

    /** Parses the task's properties (the connector's, unchanged) into the connector's config class. */
    protected abstract DeliveryConfig parseConfig(Map<String, String> props);

    /**
     * Opens a sender (and its SDK client) using this key. Called on the task thread when the
     * first records arrive and after each key switch; the previous sender is closed first.
     * {@code connectionString} must go to the SDK and nowhere else.
     */
    protected abstract EndpointSender openSender(DeliveryConfig config, KeySlot slot, Password connectionString)
        throws Exception;

    /**
     * Opens a sender authenticating with a Microsoft Entra ID identity ({@code auth.mode=entra-id}).
     * Called as {@link #openSender(DeliveryConfig, KeySlot, Password)} is, each time with a credential
     * built anew, so a sender opened after a refused token starts from a new token.
     */
    protected abstract EndpointSender openSender(DeliveryConfig config, TokenCredential credential) throws Exception;

    /** The clock the backoff and deadline run on; tests override it. */
    protected Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = parseConfig(props);
        sendThread = sendThread();
        DeliveryEngine.SenderFactory senders = config.authMode() == AuthMode.ENTRA_ID
            ? slot -> openSender(config, EntraCredentials.build(config.entra()))
            : slot -> openSender(config, slot, config.connectionString(slot).orElseThrow());
        engine = new DeliveryEngine(config, context, senders,
            clock(), () -> ThreadLocalRandom.current().nextDouble(), sendThread);
        engine.metrics().register(context.pluginMetrics());
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        engine.put(records);
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        if (engine != null) {
            engine.open(partitions);
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        return engine.preCommit(currentOffsets);
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        if (engine != null) {
            engine.close(partitions);
        }
    }

    @Override
    public void stop() {
        if (engine != null) {
            engine.metrics().unregister();
            engine.close();
        }
        if (sendThread != null) {
            sendThread.shutdownNow();
        }
    }

    /**
     * The threads the engine's sends run on, named after the task's thread and with its class loader
     * (the plugin's), which the SDKs use to find their providers. The engine runs one send at a time,
     * so one thread is used; a cached pool starts another only while a send the engine gave up on
     * still holds the first (its idle threads end after a minute).
     */
    private static ExecutorService sendThread() {
        Thread task = Thread.currentThread();
        String threadName = task.getName() + "-send";
        ClassLoader loader = task.getContextClassLoader();
        AtomicInteger started = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            int n = started.getAndIncrement();
            Thread t = new Thread(r, n == 0 ? threadName : threadName + "-" + n);
            t.setDaemon(true);
            t.setContextClassLoader(loader);
            return t;
        });
    }

    /** The engine, for tests. */
    protected DeliveryEngine engine() {
        return engine;
    }
}
