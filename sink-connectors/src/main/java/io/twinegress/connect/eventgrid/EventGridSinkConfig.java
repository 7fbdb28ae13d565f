package io.twinegress.connect.eventgrid;

import io.twinegress.connect.core.AuthConfig;
import io.twinegress.connect.core.DeliveryConfig;
import org.apache.kafka.common.config.ConfigDef;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Configuration of {@link EventGridSinkConnector}: the shared delivery fragments, with Event Grid's publish limits. */
public class EventGridSinkConfig extends DeliveryConfig {

    public static final String CONNECTION_STRING_DOC =
        "Access key of the Event Grid topic (key1 or key2 in the Azure portal), sent in the aeg-sas-key header. "
            + "For Event Grid an endpoint's connectionString is the topic key itself, not an Endpoint=...;SharedAccessKey=... "
            + "string. Keep it out of the connector config with a ConfigProvider, e.g. "
            + "${file:/etc/twin-egress/eventgrid.properties:key1} or ${env:EG_KEY1}.";
    public static final String SECONDARY_CONNECTION_STRING_DOC =
        "The topic's other access key. When the endpoint refuses the key in use (401/403), the task switches to the "
            + "other one at once and re-sends; with both refused it backs off and keeps trying both.";
    public static final String PATH_DOC =
        "The Event Grid topic host name, e.g. <topic>.<region>-1.eventgrid.azure.net: events are posted to "
            + "https://<path>/api/events?api-version=2018-01-01. A full http:// or https:// URL is used as is "
            + "(local stand-ins), except that a URL on *.eventgrid.azure.net without an api-version parameter (the "
            + "topic endpoint as the Azure portal shows it) gets api-version=2018-01-01 appended.";

    /** The Azure role an identity needs to publish to the topic. */
    public static final String ENTRA_ROLE = "EventGrid Data Sender";
    /** The scope of the tokens an identity sends in {@code Authorization: Bearer}. */
    public static final String ENTRA_SCOPE = "https://eventgrid.azure.net/.default";

    /** Event Grid publish limits: 1 MB per request and per event, 5,000 events per request. */
    public static final long MAX_REQUEST_BYTES = 1024 * 1024L;
    public static final long MAX_EVENT_BYTES = 1024 * 1024L;
    public static final int MAX_EVENTS_PER_REQUEST = 5000;
    public static final int BATCH_MAX_RECORDS_DEFAULT = 1000;
    public static final long BATCH_MAX_BYTES_DEFAULT = MAX_REQUEST_BYTES;

    public static final String API_VERSION = "2018-01-01";
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
        return endpoint(path());
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
