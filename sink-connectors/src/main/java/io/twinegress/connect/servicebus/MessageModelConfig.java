package io.twinegress.connect.servicebus;

import io.twinegress.connect.core.HeaderNameValidator;
import io.twinegress.connect.core.HeaderNamesValidator;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The Service Bus message model keys (group {@value #GROUP}): where SessionId, PartitionKey,
 * CorrelationId, ReplyTo and ScheduledEnqueueTime come from, the TimeToLive, and which headers
 * become application properties. Every key is off by default, which is the plain message: the
 * record key as PartitionKey and every header as an application property.
 */
public final class MessageModelConfig {

    public static final String GROUP = "Message model";

    /** Where the SessionId comes from. */
    public enum SessionIdSource {
        NONE, RECORD_KEY, HEADER;

        public String text() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static SessionIdSource of(String text) {
            return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /** {@code none}, {@code record-key} or {@code header}, in any case. */
    static final class SessionIdSourceValidator implements ConfigDef.Validator {
        static final String ERROR = "Must be none, record-key or header.";

        @Override
        public void ensureValid(String name, Object value) {
            try {
                SessionIdSource.of(String.valueOf(value));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, ERROR);
            }
        }

        @Override
        public String toString() {
            return "none, record-key, header";
        }
    }

    public static final String SESSION_ID_SOURCE_CONFIG = "session.id.source";
    public static final String SESSION_ID_SOURCE_DEFAULT = "none";
    public static final String SESSION_ID_SOURCE_DOC =
        "For a session-enabled queue or topic (its subscriptions require sessions), where each message's SessionId "
            + "comes from: none (no SessionId, the default), record-key (the record key as text; over 128 characters "
            + "it becomes sha256-<hex> of it), or header (the header named by session.id.header, the same 128-character "
            + "rule). Such an entity needs a SessionId on every message: a record without one (no key, or no such header) "
            + "is dead-lettered with the reason, never sent. The PartitionKey is then the SessionId, as Service Bus "
            + "requires, and the messages of one session are sent in record order (one session per batch on a "
            + "partitioned entity).";

    public static final String SESSION_ID_HEADER_CONFIG = "session.id.header";
    public static final String SESSION_ID_HEADER_DOC =
        "With session.id.source=header: the record header whose value is the SessionId.";

    public static final String PARTITION_KEY_HEADER_CONFIG = "partition.key.header";
    public static final String PARTITION_KEY_HEADER_DOC =
        "A record header whose value becomes the PartitionKey instead of the record key (over 128 characters: "
            + "sha256-<hex> of it). A record without it keeps the record key. Batches and order then follow this key. "
            + "Not with session.id.source: the PartitionKey is the SessionId there.";

    public static final String CORRELATION_ID_HEADER_CONFIG = "correlation.id.header";
    public static final String CORRELATION_ID_HEADER_DOC =
        "A record header whose value becomes the message's CorrelationId; a record without it has none.";

    public static final String REPLY_TO_HEADER_CONFIG = "reply.to.header";
    public static final String REPLY_TO_HEADER_DOC =
        "A record header whose value becomes the message's ReplyTo; a record without it has none.";

    public static final String SCHEDULED_ENQUEUE_TIME_HEADER_CONFIG = "scheduled.enqueue.time.header";
    public static final String SCHEDULED_ENQUEUE_TIME_HEADER_DOC =
        "A record header whose value becomes the message's ScheduledEnqueueTime: an RFC 3339 date-time with its "
            + "offset, e.g. 2026-12-03T15:00:00Z or 2026-12-03T16:00:00.250+01:00 (a past time enqueues at once). A "
            + "record without the header is enqueued at once; one whose header is not such a date-time is "
            + "dead-lettered with the reason, never sent early.";

    public static final String TIME_TO_LIVE_MS_CONFIG = "time.to.live.ms";
    public static final long TIME_TO_LIVE_MS_DEFAULT = 0L;
    public static final String TIME_TO_LIVE_MS_DOC =
        "TimeToLive of every message, in milliseconds: Service Bus drops (or dead-letters, as the entity says) a "
            + "message not received within it. 0 (the default) sets none: the entity's default applies. A value "
            + "above the entity's own default is lowered to it by the service.";

    public static final String PROPERTIES_INCLUDE_CONFIG = "properties.include";
    public static final String PROPERTIES_INCLUDE_DOC =
        "Which record headers become application properties: names, or prefixes ending in * "
            + "(e.g. twin-egress.*,app.code). Empty (the default): every header.";

    public static final String PROPERTIES_EXCLUDE_CONFIG = "properties.exclude";
    public static final String PROPERTIES_EXCLUDE_DOC =
        "Record headers never made application properties, in the same form as properties.include; applied after "
            + "it. Whatever the lists say, Service Bus's limits hold: a header over 32 KB, or one that no longer "
            + "fits the message's 64 KB of properties (CorrelationId and ReplyTo count there too), is left out of "
            + "the message, never the event, with one warning per task.";

    public static final String ERROR_SESSION_HEADER_MISSING =
        "With session.id.source=header, name the header that carries the SessionId.";
    public static final String ERROR_SESSION_HEADER_UNUSED =
        "session.id.header is used only with session.id.source=header.";
    public static final String ERROR_PARTITION_KEY_WITH_SESSION =
        "With session.id.source set, Service Bus requires PartitionKey = SessionId, and the connector sets it so: "
            + "leave partition.key.header empty.";

    private MessageModelConfig() {
    }

    /** Adds the group's keys to a connector's ConfigDef. */
    public static ConfigDef define(ConfigDef def) {
        int order = 0;
        ConfigDef.Validator header = new HeaderNameValidator();
        return def
            .define(SESSION_ID_SOURCE_CONFIG, Type.STRING, SESSION_ID_SOURCE_DEFAULT,
                new SessionIdSourceValidator(), Importance.MEDIUM,
                SESSION_ID_SOURCE_DOC, GROUP, ++order, Width.SHORT, "SessionId from")
            .define(SESSION_ID_HEADER_CONFIG, Type.STRING, "", header, Importance.MEDIUM, SESSION_ID_HEADER_DOC,
                GROUP, ++order, Width.MEDIUM, "SessionId header")
            .define(PARTITION_KEY_HEADER_CONFIG, Type.STRING, "", header, Importance.LOW, PARTITION_KEY_HEADER_DOC,
                GROUP, ++order, Width.MEDIUM, "PartitionKey header")
            .define(CORRELATION_ID_HEADER_CONFIG, Type.STRING, "", header, Importance.LOW, CORRELATION_ID_HEADER_DOC,
                GROUP, ++order, Width.MEDIUM, "CorrelationId header")
            .define(REPLY_TO_HEADER_CONFIG, Type.STRING, "", header, Importance.LOW, REPLY_TO_HEADER_DOC,
                GROUP, ++order, Width.MEDIUM, "ReplyTo header")
            .define(SCHEDULED_ENQUEUE_TIME_HEADER_CONFIG, Type.STRING, "", header, Importance.LOW,
                SCHEDULED_ENQUEUE_TIME_HEADER_DOC, GROUP, ++order, Width.MEDIUM, "ScheduledEnqueueTime header")
            .define(TIME_TO_LIVE_MS_CONFIG, Type.LONG, TIME_TO_LIVE_MS_DEFAULT, ConfigDef.Range.atLeast(0L),
                Importance.LOW, TIME_TO_LIVE_MS_DOC, GROUP, ++order, Width.SHORT, "TimeToLive (ms)")
            .define(PROPERTIES_INCLUDE_CONFIG, Type.LIST, "", new HeaderNamesValidator(), Importance.LOW,
                PROPERTIES_INCLUDE_DOC, GROUP, ++order, Width.LONG, "Headers as properties")
            .define(PROPERTIES_EXCLUDE_CONFIG, Type.LIST, "", new HeaderNamesValidator(), Importance.LOW,
                PROPERTIES_EXCLUDE_DOC, GROUP, ++order, Width.LONG, "Headers not as properties");
    }

    /** Cross-field checks, each error on the key it concerns (the keys parsed on their own already). */
    public static void validate(Map<String, ConfigValue> values) {
        SessionIdSource source = SessionIdSource.of(String.valueOf(values.get(SESSION_ID_SOURCE_CONFIG).value()));
        boolean sessionHeader = !text(values.get(SESSION_ID_HEADER_CONFIG)).isEmpty();
        if (source == SessionIdSource.HEADER && !sessionHeader) {
            values.get(SESSION_ID_HEADER_CONFIG).addErrorMessage(ERROR_SESSION_HEADER_MISSING);
        }
        if (source != SessionIdSource.HEADER && sessionHeader) {
            values.get(SESSION_ID_HEADER_CONFIG).addErrorMessage(ERROR_SESSION_HEADER_UNUSED);
        }
        if (source != SessionIdSource.NONE && !text(values.get(PARTITION_KEY_HEADER_CONFIG)).isEmpty()) {
            values.get(PARTITION_KEY_HEADER_CONFIG).addErrorMessage(ERROR_PARTITION_KEY_WITH_SESSION);
        }
    }

    private static String text(ConfigValue v) {
        return v == null || v.value() == null ? "" : v.value().toString().trim();
    }

    // ---- typed reads, for MessageModel ----------------------------------------------------------

    static SessionIdSource sessionIdSource(AbstractConfig c) {
        return SessionIdSource.of(c.getString(SESSION_ID_SOURCE_CONFIG));
    }

    /** A header-name key: empty when not used. */
    static Optional<String> header(AbstractConfig c, String key) {
        String v = c.getString(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }

    static Optional<Duration> timeToLive(AbstractConfig c) {
        long ms = c.getLong(TIME_TO_LIVE_MS_CONFIG);
        return ms == 0 ? Optional.empty() : Optional.of(Duration.ofMillis(ms));
    }

    static List<String> list(AbstractConfig c, String key) {
        return c.getList(key).stream().map(String::trim).toList();
    }
}
