package io.twinegress.connect.eventgrid;

import com.azure.core.credential.TokenCredential;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.core.DeliverySinkTask;
import io.twinegress.connect.core.EndpointSender;
import io.twinegress.connect.core.KeySlot;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.config.types.Password;

/**
 * An Event Grid sink task: the shared delivery core with an {@link EventGridSender}. One HTTP
 * client per task, kept across key switches (the key is a header, not part of the connection).
 *
 * <p>The client's resources end with the task: Java 17's {@link HttpClient} has no
 * {@code close()}, and its threads and pooled keep-alive connections otherwise live until it is
 * collected, one client more after every task restart (a key rotation restarts tasks). So the task
 * owns the client's executor and shuts it down at {@link #stop()}, closes the client where the
 * runtime can (Java 21 and later), and drops every reference to it, which ends its selector thread
 * and connections at the next collection on Java 17.
 */
public class EventGridSinkTask extends DeliverySinkTask {

    private HttpClient http;
    private ExecutorService httpThreads;

    @Override
    protected DeliveryConfig parseConfig(Map<String, String> props) {
        return new EventGridSinkConfig(props);
    }

    @Override
    protected EndpointSender openSender(DeliveryConfig config, KeySlot slot, Password key) {
        return new EventGridSender((EventGridSinkConfig) config, http(config), key);
    }

    @Override
    protected EndpointSender openSender(DeliveryConfig config, TokenCredential credential) {
        return new EventGridSender((EventGridSinkConfig) config, http(config),
            RequestAuthorization.bearer(credential, config.clientTryTimeout()));
    }

    private HttpClient http(DeliveryConfig config) {
        if (http == null) {
            httpThreads = httpThreads();
            http = EventGridSender.httpClient(config.clientTryTimeout(), httpThreads);
        }
        return http;
    }

    @Override
    public void stop() {
        super.stop(); // closes the sender, the only other holder of the client
        HttpClient client = http;
        http = null;
        if (client instanceof AutoCloseable closeable) { // Java 21+: ends its connections and threads now
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing is best effort: the executor below ends the client's work either way
            }
        }
        if (httpThreads != null) {
            httpThreads.shutdownNow();
            httpThreads = null;
        }
    }

    /** The client's threads, daemon, named after the task's thread and with its class loader. */
    private static ExecutorService httpThreads() {
        Thread task = Thread.currentThread();
        String name = task.getName() + "-http-client-";
        ClassLoader loader = task.getContextClassLoader();
        AtomicInteger n = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + n.getAndIncrement());
            t.setDaemon(true);
            t.setContextClassLoader(loader);
            return t;
        });
    }
}
