package io.twinegress.deploy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Just enough of PromQL to say which metrics an expression reads, with which label matchers, and
 * which labels it groups by. Strings, ranges ({@code [5m]}), numbers and Grafana variables
 * ({@code $endpoint}) are skipped; an identifier followed by {@code (} is a function or an aggregation.
 */
final class PromQl {

    /** One vector selector: the metric and the label names its matchers name. */
    record Selector(String metric, Set<String> matcherLabels) {
    }

    /**
     * @param selectors      every vector selector, in order
     * @param grouping       every label of every {@code by}/{@code without}/{@code on}/{@code ignoring}/{@code group_*} list
     * @param outerGrouping  the first {@code by (...)} list in the text (the outermost aggregation as we write them), or empty
     */
    record Usage(List<Selector> selectors, Set<String> grouping, Set<String> outerGrouping) {

        Set<String> metrics() {
            Set<String> names = new LinkedHashSet<>();
            selectors.forEach(s -> names.add(s.metric()));
            return names;
        }
    }

    private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "atan2", "inf", "nan",
            // aggregation operators: followed by "by (...)" rather than "(" as we write them
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile",
            "limitk", "limit_ratio");

    private PromQl() {
    }

    static Usage parse(String expr) {
        List<Selector> selectors = new ArrayList<>();
        Set<String> grouping = new LinkedHashSet<>();
        Set<String> outer = null;
        int lastMetricEnd = -2; // index of the last character of the latest metric name
        int i = 0;
        int n = expr.length();
        while (i < n) {
            char c = expr.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"' || c == '\'' || c == '`') {
                i = skipString(expr, i);
            } else if (c == '[') {
                i = expect(expr, expr.indexOf(']', i), "]") + 1;
            } else if (c == '{') {
                int end = expect(expr, expr.indexOf('}', i), "}");
                Set<String> labels = matcherLabels(expr.substring(i + 1, end));
                if (!selectors.isEmpty() && lastNonSpace(expr, i) == lastMetricEnd) {
                    Selector last = selectors.remove(selectors.size() - 1);
                    selectors.add(new Selector(last.metric(), labels));
                }
                i = end + 1;
            } else if (c == '$') {
                i++;
                while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_')) {
                    i++;
                }
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(expr.charAt(i + 1)))) {
                while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.')) {
                    i++;
                }
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_' || expr.charAt(i) == ':')) {
                    i++;
                }
                String word = expr.substring(start, i);
                int next = skipSpaces(expr, i);
                boolean call = next < n && expr.charAt(next) == '(';
                if (GROUPING.contains(word) && call) {
                    int end = expect(expr, expr.indexOf(')', next), ")");
                    Set<String> labels = new LinkedHashSet<>();
                    for (String label : expr.substring(next + 1, end).split(",")) {
                        if (!label.isBlank()) {
                            labels.add(label.strip());
                        }
                    }
                    grouping.addAll(labels);
                    if (outer == null && word.equals("by")) {
                        outer = labels;
                    }
                    i = end + 1;
                } else if (!call && !KEYWORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
                    selectors.add(new Selector(word, Set.of()));
                    lastMetricEnd = i - 1;
                }
            } else {
                i++;
            }
        }
        return new Usage(selectors, grouping, outer == null ? Set.of() : outer);
    }

    private static int lastNonSpace(String expr, int before) {
        int j = before - 1;
        while (j >= 0 && Character.isWhitespace(expr.charAt(j))) {
            j--;
        }
        return j;
    }

    private static Set<String> matcherLabels(String inside) {
        Set<String> labels = new LinkedHashSet<>();
        int i = 0;
        int n = inside.length();
        while (i < n) {
            char c = inside.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(inside, i);
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(inside.charAt(i)) || inside.charAt(i) == '_')) {
                    i++;
                }
                int next = skipSpaces(inside, i);
                if (next < n && (inside.charAt(next) == '=' || inside.charAt(next) == '!')) {
                    labels.add(inside.substring(start, i));
                }
            } else {
                i++;
            }
        }
        return labels;
    }

    private static int skipString(String s, int open) {
        char quote = s.charAt(open);
        int i = open + 1;
        while (i < s.length() && s.charAt(i) != quote) {
            i += s.charAt(i) == '\\' && quote != '`' ? 2 : 1;
        }
        return expect(s, i < s.length() ? i : -1, String.valueOf(quote)) + 1;
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int expect(String expr, int index, String what) {
        if (index < 0) {
            throw new IllegalArgumentException("unbalanced expression, no closing " + what + ": " + expr);
        }
        return index;
    }
}
