package io.twinegress.connect.eventgrid;

import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.core.DeliverySinkConnector;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;

import java.util.Map;

/**
 * Delivers an endpoint's egress topic to an Azure Event Grid topic: each event becomes one element
 * of a JSON array in the Event Grid event schema, {@code topic} left for Event Grid to set, posted
 * with the topic key in {@code aeg-sas-key}. See {@link EventGridSender}.
 */
public class EventGridSinkConnector extends DeliverySinkConnector {

    @Override
    public Class<? extends Task> taskClass() {
        return EventGridSinkTask.class;
    }

    @Override
    public ConfigDef config() {
        return EventGridSinkConfig.CONFIG_DEF;
    }

    @Override
    protected void validateEndpoint(Map<String, String> props, Map<String, ConfigValue> values) {
        EventGridSinkConfig.pathError(props.get(DeliveryConfig.PATH_CONFIG))
            .ifPresent(values.get(DeliveryConfig.PATH_CONFIG)::addErrorMessage);
    }
}
