package io.twinegress.deploy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks one expression of the dashboard or the alerts against the {@link MetricCatalog}: every
 * metric listed, every matcher and grouping label one of its metrics has, and every label a
 * legend or an annotation names present in the result.
 */
final class ExpressionCheck {

    private final MetricCatalog catalog;
    private final Set<String> used = new LinkedHashSet<>();

    ExpressionCheck(MetricCatalog catalog) {
        this.catalog = catalog;
    }

    /** Every metric the checked expressions read so far. */
    Set<String> used() {
        return used;
    }

    /**
     * @param where      what holds the expression, for the messages
     * @param resultLabels labels a legend or annotation takes from the result ({@code {{endpoint}}}, {@code $labels.endpoint})
     * @return the problems, empty when none
     */
    List<String> check(String where, String expr, Set<String> resultLabels) {
        List<String> problems = new ArrayList<>();
        PromQl.Usage usage;
        try {
            usage = PromQl.parse(expr);
        } catch (IllegalArgumentException e) {
            return List.of(where + ": " + e.getMessage());
        }
        if (usage.selectors().isEmpty()) {
            problems.add(where + ": reads no metric: " + expr);
        }
        Set<String> available = new LinkedHashSet<>();
        for (PromQl.Selector s : usage.selectors()) {
            used.add(s.metric());
            if (!catalog.contains(s.metric())) {
                problems.add(where + ": " + s.metric() + " is not in " + MetricCatalog.FILE + " (nothing scraped it)");
                continue;
            }
            Set<String> labels = catalog.labels(s.metric());
            available.addAll(labels);
            for (String label : s.matcherLabels()) {
                if (!labels.contains(label)) {
                    problems.add(where + ": " + s.metric() + " has no label " + label + " (it has " + labels + ")");
                }
            }
        }
        for (String label : usage.grouping()) {
            if (!available.contains(label)) {
                problems.add(where + ": groups by " + label + ", which none of " + usage.metrics() + " has");
            }
        }
        Set<String> result = usage.outerGrouping().isEmpty() ? available : usage.outerGrouping();
        for (String label : resultLabels) {
            if (!result.contains(label)) {
                problems.add(where + ": names label " + label + ", which the result of " + expr + " does not have (" + result + ")");
            }
        }
        return problems;
    }

    /** The labels a template names: {@code {{endpoint}}} in a legend, {@code {{ $labels.endpoint }}} in an annotation. */
    static Set<String> templateLabels(String text) {
        Set<String> labels = new LinkedHashSet<>();
        if (text == null) {
            return labels;
        }
        Matcher legend = Pattern.compile("\\{\\{\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}").matcher(text);
        while (legend.find()) {
            labels.add(legend.group(1));
        }
        Matcher annotation = Pattern.compile("\\$labels\\.([a-zA-Z_][a-zA-Z0-9_]*)").matcher(text);
        while (annotation.find()) {
            labels.add(annotation.group(1));
        }
        return labels;
    }
}
