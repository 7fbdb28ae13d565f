package io.twinegress.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Collects the rows and facts of one suite run and writes them as a Markdown table and as JSON. */
public final class Report {

    private final Map<String, Object> machine = new LinkedHashMap<>();
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public Map<String, Object> machine() {
        return machine;
    }

    public Map<String, Object> settings() {
        return settings;
    }

    public synchronized void add(Row row) {
        rows.add(row);
    }

    public synchronized void note(String note) {
        notes.add(note);
    }

    public synchronized List<Row> rows() {
        return List.copyOf(rows);
    }

    public void writeJson(Path file) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("machine", machine);
        root.put("settings", settings);
        List<Map<String, Object>> figures = new ArrayList<>();
        for (Row r : rows()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("figure", r.figure());
            f.put("name", r.name());
            f.put("subject", measure(r.subject()));
            f.put("baseline", measure(r.baseline()));
            f.put("ratio", finite(r.ratio()));
            f.put("target", r.target());
            f.put("met", r.met());
            f.put("note", r.note());
            figures.add(f);
        }
        root.put("figures", figures);
        root.put("notes", notes);
        Files.createDirectories(file.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
    }

    private static Map<String, Object> measure(Measure m) {
        if (m == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("unit", m.unit());
        out.put("median", finite(m.median()));
        out.put("min", finite(m.min()));
        out.put("max", finite(m.max()));
        out.put("runs", m.values());
        return out;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : null;
    }

    /** The table (and facts) as Markdown; {@code intro} and {@code analysis} are hand-written text around it. */
    public String markdownTable() {
        StringBuilder sb = new StringBuilder();
        sb.append("| # | figure | ours: median [min – max] | baseline: median [min – max] | ratio | target | met |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        for (Row r : rows()) {
            sb.append("| ").append(r.figure())
                .append(" | ").append(r.name())
                .append(" | ").append(cell(r.subject()))
                .append(" | ").append(cell(r.baseline()))
                .append(" | ").append(Double.isFinite(r.ratio()) ? String.format(Locale.ROOT, "%.2f", r.ratio()) : "")
                .append(" | ").append(r.target() == null ? "" : r.target())
                .append(" | ").append(r.met() == null ? "" : r.met() ? "yes" : "**no**")
                .append(" |\n");
        }
        return sb.toString();
    }

    public String markdownFacts() {
        StringBuilder sb = new StringBuilder();
        sb.append("| machine | |\n|---|---|\n");
        machine.forEach((k, v) -> sb.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        sb.append("\n| setting | value |\n|---|---|\n");
        settings.forEach((k, v) -> sb.append("| ").append(k).append(" | ").append(String.valueOf(v).replace("|", "\\|")).append(" |\n"));
        return sb.toString();
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }

    private static String cell(Measure m) {
        if (m == null || m.count() == 0) {
            return "";
        }
        return fmt(m.median()) + " [" + fmt(m.min()) + " – " + fmt(m.max()) + "] " + m.unit() + " (n=" + m.count() + ")";
    }

    public static String fmt(double v) {
        if (!Double.isFinite(v)) {
            return "–";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
