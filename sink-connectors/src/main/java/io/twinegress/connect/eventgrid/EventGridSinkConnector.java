package io.twinegress.connect.eventgrid;

import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.core.DeliverySinkConnector;
import io.twinegress.connect.format.EventFormat;
import io.twinegress.connect.format.FormatConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;

/**
 * Delivers an endpoint's egress topic to an Azure Event Grid topic: each event becomes one element
 * of a JSON array in the Event Grid event schema, {@code topic} left for Event Grid to set, posted
 * with the topic key in {@code aeg-sas-key}; or, with {@code event.format=cloudevents}, CloudEvents in
 * the JSON batch format, to a topic or to an Event Grid namespace topic ({@code eventgrid.kind}).
 * See {@link EventGridSender} and {@link EventGridTarget}.
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
        ConfigValue kind = values.get(EventGridSinkConfig.EVENTGRID_KIND_CONFIG);
        ConfigValue topic = values.get(EventGridSinkConfig.NAMESPACE_TOPIC_CONFIG);
        boolean namespace = EventGridKind.of(kind.value().toString()) == EventGridKind.NAMESPACE_TOPIC;
        boolean topicGiven = topic.value() != null && !topic.value().toString().isBlank();
        if (namespace) {
            ConfigValue format = values.get(FormatConfig.EVENT_FORMAT_CONFIG);
            if (EventFormat.of(format.value().toString()) != EventFormat.CLOUDEVENTS) {
                format.addErrorMessage(EventGridSinkConfig.ERROR_NAMESPACE_NEEDS_CLOUDEVENTS);
            }
            if (!topicGiven) {
                topic.addErrorMessage(EventGridSinkConfig.ERROR_NO_NAMESPACE_TOPIC);
            }
        } else if (topicGiven) {
            topic.addErrorMessage(EventGridSinkConfig.ERROR_NAMESPACE_TOPIC_WITHOUT_KIND);
        }
    }
}
