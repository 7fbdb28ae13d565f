package io.twinegress.connect.servicebus;

import io.twinegress.connect.core.AmqpEndpoint;
import io.twinegress.connect.core.DeliverySinkConnector;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;

/**
 * Delivers an endpoint's egress topic to an Azure Service Bus topic or queue: one message per event, body =
 * the event JSON, MessageId = the event id, subject = the event type. See {@link ServiceBusSender}.
 */
public class ServiceBusSinkConnector extends DeliverySinkConnector {

    @Override
    public Class<? extends Task> taskClass() {
        return ServiceBusSinkTask.class;
    }

    @Override
    public ConfigDef config() {
        return ServiceBusSinkConfig.CONFIG_DEF;
    }

    @Override
    protected boolean connectsToNamespace() {
        return true;
    }

    @Override
    protected void validateEndpoint(Map<String, String> props, Map<String, ConfigValue> values) {
        AmqpEndpoint.validateEntity(props, values, ServiceBusSinkConfig.ERROR_NO_PATH,
            ServiceBusSinkConfig.ERROR_ENTITY_PATH_MISMATCH);
        MessageModelConfig.validate(values);
    }
}
