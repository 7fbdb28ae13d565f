package io.twinegress.connect.eventhubs;

import com.azure.core.credential.TokenCredential;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.core.DeliverySinkTask;
import io.twinegress.connect.core.EndpointSender;
import io.twinegress.connect.core.KeySlot;
import java.util.Map;
import org.apache.kafka.common.config.types.Password;

/** An Event Hubs sink task: the shared delivery core with an {@link EventHubsSender}. */
public class EventHubsSinkTask extends DeliverySinkTask {

    @Override
    protected DeliveryConfig parseConfig(Map<String, String> props) {
        return new EventHubsSinkConfig(props);
    }

    @Override
    protected EndpointSender openSender(DeliveryConfig config, KeySlot slot, Password connectionString) {
        return new EventHubsSender((EventHubsSinkConfig) config, connectionString);
    }

    @Override
    protected EndpointSender openSender(DeliveryConfig config, TokenCredential credential) {
        return new EventHubsSender((EventHubsSinkConfig) config, credential);
    }
}
