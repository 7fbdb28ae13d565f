package io.twinegress.connect.eventgrid;

import com.azure.core.credential.TokenCredential;
import io.twinegress.connect.clients.SharedClients;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.core.DeliverySinkTask;
import io.twinegress.connect.core.EndpointSender;
import io.twinegress.connect.core.KeySlot;
import java.net.http.HttpClient;
import java.util.Map;
import org.apache.kafka.common.config.types.Password;

/**
 * An Event Grid sink task: the shared delivery core with an {@link EventGridSender}. The HTTP client
 * is the worker's, shared by its Event Grid tasks ({@link EventGridHttpClients}), leased at the first
 * sender and released at {@link #stop()}; kept across key switches (the key is a header, not part of
 * the connection).
 */
public class EventGridSinkTask extends DeliverySinkTask {

    private SharedClients<EventGridHttpClients.Client>.Lease http;

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

    /** The worker's shared client, leased at the first sender. */
    private HttpClient http(DeliveryConfig config) {
        if (http == null) {
            http = EventGridHttpClients.lease(config.clientTryTimeout());
        }
        return http.get().http();
    }

    @Override
    public void stop() {
        super.stop(); // closes the sender, the only other holder of the client
        if (http != null) {
            http.close(); // the last task's release ends the client's threads
            http = null;
        }
    }
}
