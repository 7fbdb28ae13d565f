package io.twinegress.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JMX exporter rule file of {@code deploy/prometheus/} applied the way the exporter (1.0.x)
 * applies it to one attribute, so tests can say what series an MBean attribute becomes without
 * starting a JVM: the input is the exporter's {@code domain<key=value, ...><>attribute: value}
 * string; rules are tried in order and the first whose pattern matches (the exporter wraps each
 * pattern as {@code ^.*(?:pattern).*$}) decides; names are sanitised and, as the exporter's
 * Prometheus client does, a counter is exposed as {@code <name without _total>_total} and any other
 * type loses a {@code _total} suffix.
 */
final class ExporterRules {

    /** One exposed series. */
    record Series(String name, String type, Map<String, String> labels, double value) {
    }

    private record Rule(Pattern pattern, String name, String type, Map<String, String> labels, String value) {
    }

    private final JsonNode config;
    private final List<Rule> rules = new ArrayList<>();
    private final boolean lowercaseNames;

    private ExporterRules(JsonNode config) {
        this.config = config;
        this.lowercaseNames = config.path("lowercaseOutputName").asBoolean(false);
        for (JsonNode r : config.path("rules")) {
            Map<String, String> labels = new TreeMap<>();
            r.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            rules.add(new Rule(Pattern.compile("^.*(?:" + r.path("pattern").asText() + ").*$"), r.path("name").asText(null),
                    r.path("type").asText("UNTYPED"), labels, r.path("value").asText(null)));
        }
    }

    /** {@code deploy/prometheus/<part>.yml}. */
    static ExporterRules load(String part) {
        try {
            return new ExporterRules(new ObjectMapper(new YAMLFactory()).readTree(Repo.file("deploy/prometheus/" + part + ".yml").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode config() {
        return config;
    }

    /** The series the attribute becomes, or empty when no rule exports it. */
    Optional<Series> apply(String attribute) {
        for (Rule rule : rules) {
            Matcher m = rule.pattern().matcher(attribute);
            if (!m.matches()) {
                continue;
            }
            if (rule.name() == null) {
                throw new IllegalStateException("every rule of ours names its metric: " + rule.pattern());
            }
            String name = safe(m.replaceAll(rule.name()));
            if (lowercaseNames) {
                name = name.toLowerCase(Locale.ROOT);
            }
            String base = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
            String exposed = rule.type().equals("COUNTER") ? base + "_total" : base;
            Map<String, String> labels = new TreeMap<>();
            rule.labels().forEach((k, v) -> {
                String value = m.replaceAll(v);
                if (!value.isEmpty()) {
                    labels.put(safe(k), value);
                }
            });
            String raw = rule.value() != null ? m.replaceAll(rule.value()) : attribute.substring(attribute.lastIndexOf(": ") + 2);
            try {
                return Optional.of(new Series(exposed, rule.type(), labels, Double.parseDouble(raw)));
            } catch (NumberFormatException e) {
                return Optional.empty(); // the exporter drops a text value that no rule turned into a number
            }
        }
        return Optional.empty();
    }

    /** As the exporter: every character but [a-zA-Z0-9:_] becomes _, runs of _ collapse. */
    private static String safe(String name) {
        return name.replaceAll("[^a-zA-Z0-9:_]", "_").replaceAll("_+", "_");
    }

    /** Each rule's declared name and type, for static checks. */
    List<String[]> nameAndType() {
        List<String[]> out = new ArrayList<>();
        rules.forEach(r -> out.add(new String[] {r.name(), r.type()}));
        return out;
    }
}
