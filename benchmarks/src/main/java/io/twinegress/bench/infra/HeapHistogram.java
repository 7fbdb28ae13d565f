package io.twinegress.bench.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live heap of a child JVM, by class: {@code jcmd <pid> GC.class_histogram}, which runs a full
 * collection first and counts only reachable objects. Unlike the heap's "used" figure (which holds
 * whatever garbage the last collection left), it is the same for the same live data, so the difference
 * between two histograms of one process is what it keeps for what changed in between.
 */
public record HeapHistogram(long totalBytes, Map<String, Long> bytesByClass) {

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)");

    public static HeapHistogram of(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("jcmd GC.class_histogram of " + pid + " failed: " + out);
            }
            Map<String, Long> byClass = new LinkedHashMap<>();
            long total = -1;
            for (String line : out.split("\n")) {
                Matcher row = ROW.matcher(line);
                if (row.find()) {
                    byClass.merge(row.group(3), Long.parseLong(row.group(2)), Long::sum);
                    continue;
                }
                Matcher t = TOTAL.matcher(line);
                if (t.find()) {
                    total = Long.parseLong(t.group(2));
                }
            }
            if (total < 0) {
                throw new IllegalStateException("no total in the heap histogram of " + pid + ": " + out);
            }
            return new HeapHistogram(total, byClass);
        } catch (IOException e) {
            throw new IllegalStateException("jcmd " + pid + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Per class, bytes here minus bytes in {@code before}, largest growth first, at most {@code limit} classes. */
    public Map<String, Long> growthSince(HeapHistogram before, int limit) {
        Map<String, Long> growth = new LinkedHashMap<>();
        bytesByClass.entrySet().stream()
            .map(e -> Map.entry(e.getKey(), e.getValue() - before.bytesByClass.getOrDefault(e.getKey(), 0L)))
            .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
            .limit(limit)
            .forEach(e -> growth.put(e.getKey(), e.getValue()));
        return growth;
    }
}
