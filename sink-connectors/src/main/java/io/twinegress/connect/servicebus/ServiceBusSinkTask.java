package io.twinegress.connect.servicebus;

import com.azure.core.credential.TokenCredential;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.core.DeliverySinkTask;
import io.twinegress.connect.core.EndpointSender;
import io.twinegress.connect.core.KeySlot;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.config.types.Password;

/** A Service Bus sink task: the shared delivery core with a {@link ServiceBusSender}. */
public class ServiceBusSinkTask extends DeliverySinkTask {

    /** One warning per task when headers are cut to Service Bus's limits, whichever key's sender met them. */
    private final AtomicBoolean propertiesTrimmedWarned = new AtomicBoolean();

    @Override
    protected DeliveryConfig parseConfig(Map<String, String> props) {
        return new ServiceBusSinkConfig(props);
    }

    @Override
    protected EndpointSender openSender(DeliveryConfig config, KeySlot slot, Password connectionString) {
        return new ServiceBusSender((ServiceBusSinkConfig) config, connectionString, propertiesTrimmedWarned);
    }

    @Override
    protected EndpointSender openSender(DeliveryConfig config, TokenCredential credential) {
        return new ServiceBusSender((ServiceBusSinkConfig) config, credential, propertiesTrimmedWarned);
    }
}
