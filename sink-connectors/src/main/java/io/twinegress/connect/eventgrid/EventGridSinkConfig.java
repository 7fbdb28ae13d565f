package io.twinegress.connect.eventgrid;

import io.twinegress.connect.core.AuthConfig;
import io.twinegress.connect.core.DeliveryConfig;
import io.twinegress.connect.format.ChoiceValidator;
import io.twinegress.connect.format.FormatConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** Configuration of {@link EventGridSinkConnector}: the shared delivery fragments, with Event Grid's publish limits. */
public class EventGridSinkConfig extends DeliveryConfig {

    public static final String CONNECTION_STRING_DOC =
        "Access key of the Event Grid topic (key1 or key2 in the Azure portal), sent in the aeg-sas-key header. "
            + "For Event Grid an endpoint's connectionString is the topic key itself, not an Endpoint=...;SharedAccessKey=... "
            + "string. Keep it out of the connector config with a ConfigProvider, e.g. "
            + "${file:/etc/twin-egress/eventgrid.properties:key1} or ${env:EG_KEY1}. With eventgrid.kind=namespace-topic: "
            + "an access key of the namespace, sent as 'Authorization: SharedAccessKey <key>'.";
    public static final String SECONDARY_CONNECTION_STRING_DOC =
        "The topic's other access key. When the endpoint refuses the key in use (401/403), the task switches to the "
            + "other one at once and re-sends; with both refused it backs off and keeps trying both.";
    public static final String PATH_DOC =
        "The Event Grid topic host name, e.g. <topic>.<region>-1.eventgrid.azure.net: events are posted to "
            + "https://<path>/api/events?api-version=2018-01-01. A full http:// or https:// URL is used as is "
            + "(local stand-ins), except that a URL on *.eventgrid.azure.net without an api-version parameter (the "
            + "topic endpoint as the Azure portal shows it) gets api-version=2018-01-01 appended. With "
            + "eventgrid.kind=namespace-topic: the namespace host name, e.g. <namespace>.<region>-1.eventgrid.azure.net "
            + "(events are posted to https://<path>/topics/<namespace.topic>:publish?api-version=2023-11-01), or its "
            + "http(s):// URL, to which /topics/<namespace.topic>:publish?api-version=2023-11-01 is appended.";

    public static final String EVENT_GRID_GROUP = "Event Grid";

    public static final String EVENTGRID_KIND_CONFIG = "eventgrid.kind";
    public static final String EVENTGRID_KIND_DEFAULT = EventGridKind.TOPIC.value();
    public static final String EVENTGRID_KIND_DOC =
        "What path names. topic (the default): an Event Grid topic (key in the aeg-sas-key header, at most 5,000 "
            + "events and 1 MB per request). namespace-topic: a topic of an Event Grid namespace, named by "
            + "namespace.topic, published with its publish API (api-version 2023-11-01, key in an 'Authorization: "
            + "SharedAccessKey <key>' header, at most 1,000 events and 1 MB per request); it takes CloudEvents only, "
            + "so it needs event.format=cloudevents. The connection strings are then the namespace's access keys.";
    public static final String EVENTGRID_KIND_DISPLAY = "Event Grid target";

    public static final String NAMESPACE_TOPIC_CONFIG = "namespace.topic";
    public static final String NAMESPACE_TOPIC_DOC =
        "With eventgrid.kind=namespace-topic: the namespace topic the events are published to (3 to 50 letters, "
            + "digits and '-').";
    public static final String NAMESPACE_TOPIC_DISPLAY = "Namespace topic";

    /** The Azure role an identity needs to publish to the topic. */
    public static final String ENTRA_ROLE = "EventGrid Data Sender";
    /** The scope of the tokens an identity sends in {@code Authorization: Bearer}. */
    public static final String ENTRA_SCOPE = "https://eventgrid.azure.net/.default";

    /** Event Grid publish limits: 1 MB per request and per event, 5,000 events per request. */
    public static final long MAX_REQUEST_BYTES = 1024 * 1024L;
    public static final long MAX_EVENT_BYTES = 1024 * 1024L;
    public static final int MAX_EVENTS_PER_REQUEST = 5000;
    /** Event Grid namespace topics: 1,000 events per publish (and 1 MB). */
    public static final int MAX_NAMESPACE_EVENTS_PER_REQUEST = 1000;
    public static final int BATCH_MAX_RECORDS_DEFAULT = 1000;
    public static final long BATCH_MAX_BYTES_DEFAULT = MAX_REQUEST_BYTES;

    public static final String API_VERSION = "2018-01-01";
    public static final String NAMESPACE_API_VERSION = "2023-11-01";
    static final String API_VERSION_PARAMETER = "api-version";
    static final String EVENT_GRID_DOMAIN = ".eventgrid.azure.net";

    public static final String ERROR_NO_PATH =
        "Name the Event Grid topic: its host name (<topic>.<region>-1.eventgrid.azure.net) or a full http(s):// URL.";
    public static final String ERROR_BAD_URL = "path is not a valid http:// or https:// URL with a host.";
    public static final String ERROR_BAD_HOST =
        "path is neither a host name (letters, digits, '-', '.', optional :port) nor an http(s):// URL.";
    public static final String ERROR_KEY_IS_CONNECTION_STRING =
        "This looks like a Service Bus / Event Hubs connection string; an Event Grid endpoint takes the topic "
            + "access key itself (key1 or key2).";
    public static final String ERROR_KEY_CHARACTERS =
        "The key contains spaces or characters that cannot be sent in an HTTP header.";
    public static final String ERROR_NAMESPACE_NEEDS_CLOUDEVENTS =
        "eventgrid.kind=namespace-topic takes CloudEvents only: set event.format=cloudevents.";
    public static final String ERROR_NO_NAMESPACE_TOPIC =
        "eventgrid.kind=namespace-topic needs namespace.topic, the namespace topic to publish to.";
    public static final String ERROR_NAMESPACE_TOPIC_WITHOUT_KIND =
        "namespace.topic is set but eventgrid.kind is topic: set eventgrid.kind=namespace-topic, or remove namespace.topic.";
    public static final String ERROR_BAD_NAMESPACE_TOPIC =
        "namespace.topic must be 3 to 50 letters, digits and '-'.";

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?");

    public static final ConfigDef CONFIG_DEF = configDef();

    public EventGridSinkConfig(Map<?, ?> originals) {
        super(CONFIG_DEF, originals);
    }

    public static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        addConnectionGroup(def, TopicKeyValidator.required(), TopicKeyValidator.optional(), CONNECTION_STRING_DOC, SECONDARY_CONNECTION_STRING_DOC, PATH_DOC);
        addRetryGroup(def);
        addBatchGroup(def, BATCH_MAX_RECORDS_DEFAULT, MAX_EVENTS_PER_REQUEST, BATCH_MAX_BYTES_DEFAULT, MAX_REQUEST_BYTES);
        addDeliveryGroup(def);
        AuthConfig.addAuthGroup(def);
        FormatConfig.addFormatGroup(def, false);
        int order = 0;
        def.define(EVENTGRID_KIND_CONFIG, Type.STRING, EVENTGRID_KIND_DEFAULT,
                new ChoiceValidator(Arrays.stream(EventGridKind.values()).map(EventGridKind::value).toList()),
                Importance.MEDIUM, EVENTGRID_KIND_DOC, EVENT_GRID_GROUP, ++order, Width.SHORT, EVENTGRID_KIND_DISPLAY)
            .define(NAMESPACE_TOPIC_CONFIG, Type.STRING, "", new NamespaceTopicValidator(), Importance.MEDIUM,
                NAMESPACE_TOPIC_DOC, EVENT_GRID_GROUP, ++order, Width.MEDIUM, NAMESPACE_TOPIC_DISPLAY);
        return def;
    }

    @Override
    public String entraRole() {
        return ENTRA_ROLE;
    }

    /**
     * The publish URL: {@code https://<path>/api/events?api-version=...} for a host name; an http(s)
     * URL as is, with {@code api-version} appended when it is on {@code *.eventgrid.azure.net} and has none.
     */
    public URI endpoint() {
        return kind() == EventGridKind.NAMESPACE_TOPIC ? namespaceEndpoint(path(), namespaceTopic()) : endpoint(path());
    }

    public EventGridKind kind() {
        return EventGridKind.of(getString(EVENTGRID_KIND_CONFIG));
    }

    public String namespaceTopic() {
        String t = getString(NAMESPACE_TOPIC_CONFIG);
        return t == null ? "" : t.trim();
    }

    /**
     * A namespace topic's publish URL: {@code https://<host>/topics/<topic>:publish?api-version=2023-11-01}
     * for a host name; for an http(s) URL, the same path and query appended to it.
     */
    static URI namespaceEndpoint(String path, String topic) {
        String p = path.trim();
        String lower = p.toLowerCase(Locale.ROOT);
        String base = lower.startsWith("http://") || lower.startsWith("https://") ? p : "https://" + p;
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + "/topics/" + topic + ":publish?" + API_VERSION_PARAMETER + "=" + NAMESPACE_API_VERSION);
    }

    static URI endpoint(String path) {
        String p = path.trim();
        String lower = p.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            URI uri = URI.create(p);
            if (isEventGridHost(uri.getHost()) && !hasApiVersion(uri.getRawQuery())) {
                // the portal shows the topic endpoint without it, and Event Grid refuses every request without it
                return URI.create(p + (uri.getRawQuery() == null ? "?" : "&") + API_VERSION_PARAMETER + "=" + API_VERSION);
            }
            return uri;
        }
        return URI.create("https://" + p + "/api/events?" + API_VERSION_PARAMETER + "=" + API_VERSION);
    }

    static boolean isEventGridHost(String host) {
        return host != null && host.toLowerCase(Locale.ROOT).endsWith(EVENT_GRID_DOMAIN);
    }

    private static boolean hasApiVersion(String rawQuery) {
        if (rawQuery == null) {
            return false;
        }
        for (String parameter : rawQuery.split("&")) {
            if (parameter.toLowerCase(Locale.ROOT).startsWith(API_VERSION_PARAMETER + "=")) {
                return true;
            }
        }
        return false;
    }

    /** The error for a bad {@code path}, or empty. */
    static Optional<String> pathError(String path) {
        String p = path == null ? "" : path.trim();
        if (p.isEmpty()) {
            return Optional.of(ERROR_NO_PATH);
        }
        String lower = p.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            try {
                URI uri = new URI(p);
                return uri.getHost() == null || uri.getHost().isEmpty() ? Optional.of(ERROR_BAD_URL) : Optional.empty();
            } catch (URISyntaxException e) {
                return Optional.of(ERROR_BAD_URL);
            }
        }
        return HOST.matcher(p).matches() ? Optional.empty() : Optional.of(ERROR_BAD_HOST);
    }
}
