package io.twinegress.cli.dlq;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What {@code dlq list} shows of a dead-letter topic: how many, the oldest and newest (record
 * time), and how many per reason. Reasons are grouped with their numbers as {@code #}, so "the
 * event is 1,300,512 bytes" and "the event is 2,000,001 bytes" count as one reason.
 */
public final class Summary {

    private static final Pattern NUMBER = Pattern.compile("\\d[\\d,._]*");

    /** One reason: how many dead letters have it and how many of those were replayed already. */
    public record Group(String reason, long count, long replayed) {
    }

    private final Map<String, long[]> groups = new LinkedHashMap<>();
    private long count;
    private long replayed;
    private Instant oldest;
    private Instant newest;

    public void add(DeadLetter d, boolean alreadyReplayed) {
        count++;
        replayed += alreadyReplayed ? 1 : 0;
        Instant ts = Instant.ofEpochMilli(d.record().timestamp());
        oldest = oldest == null || ts.isBefore(oldest) ? ts : oldest;
        newest = newest == null || ts.isAfter(newest) ? ts : newest;
        long[] g = groups.computeIfAbsent(group(d.reason()), k -> new long[2]);
        g[0]++;
        g[1] += alreadyReplayed ? 1 : 0;
    }

    /** The reason as grouped: numbers as {@code #}, one line, at most 200 characters. */
    public static String group(String reason) {
        String oneLine = NUMBER.matcher(reason.replaceAll("\\s+", " ").trim()).replaceAll("#");
        return oneLine.length() > 200 ? oneLine.substring(0, 197) + "..." : oneLine;
    }

    public long count() {
        return count;
    }

    public long replayed() {
        return replayed;
    }

    public Instant oldest() {
        return oldest;
    }

    public Instant newest() {
        return newest;
    }

    /** By count, most first. */
    public List<Group> groups() {
        return groups.entrySet().stream().map(e -> new Group(e.getKey(), e.getValue()[0], e.getValue()[1]))
                .sorted(Comparator.comparingLong(Group::count).reversed().thenComparing(Group::reason)).toList();
    }
}
