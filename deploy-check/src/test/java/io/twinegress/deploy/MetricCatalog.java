package io.twinegress.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code deploy/prometheus/metrics.txt}: the metrics the dashboard and the alerts use, each with the
 * labels its series carry. The one list the scrape test and the dashboard and alert tests share.
 */
final class MetricCatalog {

    static final String FILE = "deploy/prometheus/metrics.txt";

    private final Map<String, Set<String>> labels;

    private MetricCatalog(Map<String, Set<String>> labels) {
        this.labels = Collections.unmodifiableMap(labels);
    }

    static MetricCatalog load() {
        return parse(Repo.file(FILE));
    }

    static MetricCatalog parse(Path file) {
        Map<String, Set<String>> labels = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String text = line.strip();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                String[] parts = text.split("\\s+");
                Set<String> names = new LinkedHashSet<>(Arrays.asList(parts).subList(1, parts.length));
                if (labels.put(parts[0], Collections.unmodifiableSet(names)) != null) {
                    throw new IllegalStateException(file + " lists " + parts[0] + " twice");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new MetricCatalog(labels);
    }

    /** Metric name → its labels, in the file's order. */
    Map<String, Set<String>> metrics() {
        return labels;
    }

    boolean contains(String metric) {
        return labels.containsKey(metric);
    }

    Set<String> labels(String metric) {
        Set<String> l = labels.get(metric);
        if (l == null) {
            throw new IllegalArgumentException(metric + " is not in " + FILE);
        }
        return l;
    }
}
