package io.twinegress.connect.eventhubs;

import io.twinegress.connect.auth.AuthMode;
import io.twinegress.connect.core.AmqpEndpoint;
import io.twinegress.connect.core.AuthConfig;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.core.DeliverySinkConnector;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;

/**
 * Delivers an endpoint's egress topic to an Azure Event Hub: one event per record, body = the event
 * JSON or the raw device telemetry, partition key = the record key, properties = the record headers.
 * See {@link EventHubsSender}.
 *
 * <p>How it knows an endpoint carries device messages: {@code device.messages=true}, set by whoever
 * registers the endpoint's connector (the endpoint's {@code eventTypes} is then
 * {@code ["DeviceMessage"]}). Such an endpoint must name its event hub with {@code EntityPath} in its
 * connection strings: {@link #validate} reports it on the key, and {@link #start} refuses to start.
 */
public class EventHubsSinkConnector extends DeliverySinkConnector {

    @Override
    public Class<? extends Task> taskClass() {
        return EventHubsSinkTask.class;
    }

    @Override
    public ConfigDef config() {
        return EventHubsSinkConfig.CONFIG_DEF;
    }

    @Override
    protected boolean connectsToNamespace() {
        return true;
    }

    @Override
    protected void validateEndpoint(Map<String, String> props, Map<String, ConfigValue> values) {
        AmqpEndpoint.validateEntity(props, values, EventHubsSinkConfig.ERROR_NO_PATH,
            EventHubsSinkConfig.ERROR_ENTITY_PATH_MISMATCH);
        PartitionChoiceConfig.validate(values);
        // with an identity there is no connection string: path, required then, names the hub
        if (Boolean.TRUE.equals(values.get(EventHubsSinkConfig.DEVICE_MESSAGES_CONFIG).value())
            && AuthConfig.mode(props) == AuthMode.CONNECTION_STRING) {
            requireEntityPath(values.get(DeliveryConfig.CONNECTION_STRING_CONFIG), true);
            requireEntityPath(values.get(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG), false);
        }
    }

    private static void requireEntityPath(ConfigValue value, boolean required) {
        if ((DeliveryConfig.isGiven(value.value()) || required) && AmqpEndpoint.entityPath(value).isEmpty()) {
            value.addErrorMessage(EventHubsSinkConfig.ERROR_DEVICE_MESSAGES_NEED_ENTITY_PATH);
        }
    }
}
