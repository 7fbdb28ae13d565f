package io.twinegress.connect.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Generates the configuration reference of every connector in the plugin (found through
 * {@link ServiceLoader}, like Connect does) from its {@link ConfigDef}. The reference is never
 * written by hand: {@code ConfigDocsTest} fails when a committed page differs from what this
 * produces, and rewrites the pages when run with {@code -Dtwin-egress.docs.update=true}.
 */
public final class ConfigDocs {

    private ConfigDocs() {
    }

    /** Page file name → Markdown, for every {@link DeliverySinkConnector} on the class path. */
    public static Map<String, String> pages() {
        Map<String, String> out = new TreeMap<>();
        for (SinkConnector c : ServiceLoader.load(SinkConnector.class, ConfigDocs.class.getClassLoader())) {
            if (c instanceof DeliverySinkConnector) {
                out.put(pageName(c.getClass()), markdown(c.getClass().getSimpleName(), c.getClass().getName(), c.config()));
            }
        }
        return out;
    }

    /** {@code ServiceBusSinkConnector} → {@code servicebus-sink.md}. */
    public static String pageName(Class<?> connector) {
        String simple = connector.getSimpleName().replace("SinkConnector", "");
        return simple.toLowerCase(Locale.ROOT) + "-sink.md";
    }

    public static String markdown(String simpleName, String className, ConfigDef def) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(simpleName).append(" configuration\n\n")
            .append("<!-- Generated from the ConfigDef by ").append(ConfigDocs.class.getName())
            .append("; do not edit. Regenerate: ./mvnw -B -pl sink-connectors -am test -Dtest=ConfigDocsTest ")
            .append("-Dsurefire.failIfNoSpecifiedTests=false -Dtwin-egress.docs.update=true -->\n\n")
            .append("`connector.class=").append(simpleName).append("` (or `").append(className).append("`), ")
            .append("plus Connect's own keys (`topics`, `tasks.max`, converters, `errors.*`).\n\n")
            .append("Keep secrets out of the connector config with a Connect `ConfigProvider`: on the worker\n")
            .append("`config.providers=file,env`, `config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider`,\n")
            .append("`config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider`; in the connector\n")
            .append("`\"connection.string\": \"${file:/etc/twin-egress/secrets.properties:primary}\"` or `\"${env:SB_PRIMARY}\"`.\n")
            .append("Connect then stores and shows only the reference, and resolves it when the task starts.\n");
        List<String> groups = new ArrayList<>(def.groups());
        Map<String, List<ConfigDef.ConfigKey>> byGroup = new TreeMap<>();
        List<ConfigDef.ConfigKey> all = new ArrayList<>(def.configKeys().values());
        all.sort(java.util.Comparator.comparingInt((ConfigDef.ConfigKey k) -> k.orderInGroup).thenComparing(k -> k.name));
        for (ConfigDef.ConfigKey key : all) {
            String g = key.group == null ? "Other" : key.group;
            byGroup.computeIfAbsent(g, x -> new ArrayList<>()).add(key);
            if (!groups.contains(g)) {
                groups.add(g);
            }
        }
        for (String group : groups) {
            List<ConfigDef.ConfigKey> keys = byGroup.get(group);
            if (keys == null) {
                continue;
            }
            md.append("\n## ").append(group).append("\n");
            for (ConfigDef.ConfigKey key : keys) {
                md.append("\n### `").append(key.name).append("`\n\n")
                    .append(key.documentation == null ? "" : key.documentation.replace("<", "\\<")).append("\n\n")
                    .append("- type: ").append(key.type.name().toLowerCase(Locale.ROOT)).append('\n')
                    .append("- default: ").append(defaultText(key)).append('\n');
                if (key.validator != null && !key.validator.toString().isBlank()) {
                    md.append("- valid values: ").append(key.validator.toString().replace("<", "\\<")).append('\n');
                }
                md.append("- importance: ").append(key.importance.name().toLowerCase(Locale.ROOT)).append('\n');
            }
        }
        return md.toString();
    }

    private static String defaultText(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "none (required)";
        }
        if (key.defaultValue == null) {
            return "null";
        }
        String v = ConfigDef.convertToString(key.defaultValue, key.type);
        return v == null || v.isEmpty() ? "\"\"" : "`" + v + "`";
    }
}
