package io.twinegress.connect.servicebus;

import io.twinegress.connect.core.ConnectionString;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.core.DeliverySinkConnector;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.connector.Task;

import java.util.Map;
import java.util.Optional;

/**
 * Delivers an endpoint's egress topic to an Azure Service Bus topic: one message per event, body =
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
    protected void validateEndpoint(Map<String, String> props, Map<String, ConfigValue> values) {
        String path = Optional.ofNullable(props.get(DeliveryConfig.PATH_CONFIG)).map(String::trim).orElse("");
        Optional<String> primaryEntity = entityPath(values.get(DeliveryConfig.CONNECTION_STRING_CONFIG));
        Optional<String> secondaryEntity = entityPath(values.get(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG));
        String target = path.isEmpty() ? primaryEntity.orElse("") : path;
        if (target.isEmpty()) {
            values.get(DeliveryConfig.PATH_CONFIG).addErrorMessage(ServiceBusSinkConfig.ERROR_NO_PATH);
            return;
        }
        if (primaryEntity.isPresent() && !primaryEntity.get().equals(target)) {
            values.get(DeliveryConfig.CONNECTION_STRING_CONFIG).addErrorMessage(ServiceBusSinkConfig.ERROR_ENTITY_PATH_MISMATCH);
        }
        if (secondaryEntity.isPresent() && !secondaryEntity.get().equals(target)) {
            values.get(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG)
                .addErrorMessage(ServiceBusSinkConfig.ERROR_ENTITY_PATH_MISMATCH);
        }
    }

    private static Optional<String> entityPath(ConfigValue value) {
        if (value == null || !(value.value() instanceof Password p) || p.value() == null || p.value().isBlank()) {
            return Optional.empty();
        }
        return ConnectionString.parse(p).entityPath();
    }
}
