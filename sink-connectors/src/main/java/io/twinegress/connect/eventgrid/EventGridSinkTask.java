package io.twinegress.connect.eventgrid;

import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.core.DeliverySinkTask;
import io.twinegress.connect.core.EndpointSender;
import io.twinegress.connect.core.KeySlot;
import org.apache.kafka.common.config.types.Password;

import java.net.http.HttpClient;
import java.util.Map;

/**
 * An Event Grid sink task: the shared delivery core with an {@link EventGridSender}. One HTTP
 * client per task, kept across key switches (the key is a header, not part of the connection).
 */
public class EventGridSinkTask extends DeliverySinkTask {

    private HttpClient http;

    @Override
    protected DeliveryConfig parseConfig(Map<String, String> props) {
        return new EventGridSinkConfig(props);
    }

    @Override
    protected EndpointSender openSender(DeliveryConfig config, KeySlot slot, Password key) {
        if (http == null) {
            http = EventGridSender.httpClient(config.clientTryTimeout());
        }
        return new EventGridSender((EventGridSinkConfig) config, http, key);
    }
}
