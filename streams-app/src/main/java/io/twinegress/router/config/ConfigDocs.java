package io.twinegress.router.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Generates the configuration reference of {@code docs/router.md} from {@link RouterConfig#CONFIG_DEF}
 * and {@link RouterConfig#streamsDefaults}, between {@link #BEGIN} and {@link #END}. A test fails when
 * the file disagrees; {@code main(path)} rewrites it.
 */
public final class ConfigDocs {

    public static final String BEGIN = "<!-- BEGIN GENERATED CONFIG (io.twinegress.router.config.ConfigDocs) -->";
    public static final String END = "<!-- END GENERATED CONFIG -->";

    private ConfigDocs() {
    }

    /** The generated block, markers included. */
    public static String generate() {
        StringBuilder md = new StringBuilder(BEGIN).append("\n\n");
        md.append("### Router keys\n\n");
        md.append("| key | default | valid values | environment variable | description |\n");
        md.append("|---|---|---|---|---|\n");
        List<ConfigDef.ConfigKey> keys = RouterConfig.CONFIG_DEF.configKeys().values().stream()
                .sorted(java.util.Comparator.comparingInt((ConfigDef.ConfigKey k) -> RouterConfig.CONFIG_DEF.groups().indexOf(k.group))
                        .thenComparingInt(k -> k.orderInGroup))
                .toList();
        for (ConfigDef.ConfigKey key : keys) {
            md.append("| `").append(key.name).append("` | ").append(code(defaultOf(key))).append(" | ")
                    .append(key.validator == null ? key.type.name().toLowerCase(java.util.Locale.ROOT) : escape(key.validator.toString()))
                    .append(" | `").append(ConfigLoader.envOf(key.name)).append("` | ").append(escape(key.documentation)).append(" |\n");
        }
        md.append("\n### Kafka Streams defaults the router sets\n\n");
        md.append("Any Kafka Streams, consumer, producer or admin key in the file is passed to Kafka Streams unchanged and ")
                .append("overrides these, except `").append(org.apache.kafka.streams.StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG)
                .append("`: the router's own handler keeps endpoint records out of every dead-letter topic, and another one is a ")
                .append("configuration error. `bootstrap.servers` is required.\n\n");
        md.append("| key | router default |\n|---|---|\n");
        Map<String, Object> defaults = RouterConfig.streamsDefaults(RouterConfig.DLQ_TOPIC_DEFAULT, RouterConfig.EVENT_MAX_BYTES_DEFAULT);
        defaults.forEach((key, value) -> md.append("| `").append(key).append("` | ").append(code(String.valueOf(value))).append(" |\n"));
        md.append("\n").append(END);
        return md.toString();
    }

    private static String defaultOf(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        Object value = key.defaultValue;
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }

    private static String code(String value) {
        return value.isEmpty() ? "(empty)" : "`" + value + "`";
    }

    private static String escape(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    /** Replaces the generated block of a markdown file (appends it when the file has none). */
    public static String replaceIn(String markdown) {
        int begin = markdown.indexOf(BEGIN);
        int end = markdown.indexOf(END);
        if (begin < 0 || end < begin) {
            return markdown + "\n" + generate() + "\n";
        }
        return markdown.substring(0, begin) + generate() + markdown.substring(end + END.length());
    }

    /** Rewrites the generated block of the given file (default {@code docs/router.md}). */
    public static void main(String[] args) throws IOException {
        Path path = Path.of(args.length > 0 ? args[0] : "docs/router.md");
        String current = Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : "";
        Files.writeString(path, replaceIn(current), StandardCharsets.UTF_8);
    }
}
