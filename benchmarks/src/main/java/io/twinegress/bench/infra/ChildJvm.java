package io.twinegress.bench.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM started by the suite: the same {@code java} as the suite, its output in a log file,
 * its peak resident set size read from {@code /proc/<pid>/status} (VmHWM) and reset through
 * {@code /proc/<pid>/clear_refs}, so each run reports its own peak.
 */
public final class ChildJvm implements AutoCloseable {

    /** Heap for every measured subject (router, pass-through app, Connect worker): the same for all. */
    public static final String SUBJECT_HEAP = "-Xmx512m";

    private static final java.util.Set<ChildJvm> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(c -> c.process.destroyForcibly()), "bench-children-cleanup"));
    }

    private final String name;
    private final Process process;
    private final Path log;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code java <jvmArgs> <mainArgs>} with its output appended to {@code <dir>/<name>.log}. */
    public static ChildJvm start(String name, Path dir, List<String> jvmArgs, List<String> mainArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.addAll(jvmArgs);
        cmd.addAll(mainArgs);
        Path log = dir.resolve(name + ".log");
        try {
            Files.createDirectories(dir);
            Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
            ChildJvm child = new ChildJvm(name, p, log);
            LIVE.add(child);
            return child;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    public static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** Peak resident set size since start or the last {@link #resetPeak()}, in MiB; -1 when unknown. */
    public double peakRssMib() {
        return readStatusKb("VmHWM:") / 1024.0;
    }

    /** Current resident set size in MiB; -1 when unknown. */
    public double rssMib() {
        return readStatusKb("VmRSS:") / 1024.0;
    }

    /** Resets the peak RSS to the current RSS (Linux: write 5 to clear_refs). */
    public void resetPeak() {
        try {
            Files.writeString(Path.of("/proc", Long.toString(pid()), "clear_refs"), "5");
        } catch (IOException | RuntimeException ignored) {
            // not Linux, or not allowed: the peak then covers the process's whole life
        }
    }

    private long readStatusKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // gone or not Linux
        }
        return -1;
    }

    /** Waits for the process to end by itself; false on timeout. */
    public boolean waitFor(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    public int exitValue() {
        return process.exitValue();
    }

    /** SIGTERM, up to {@code graceMillis} for a clean stop, then SIGKILL. */
    public void stop(long graceMillis) {
        LIVE.remove(this);
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(15_000);
    }

    @Override
    public String toString() {
        return name + "(pid " + pid() + ")";
    }
}
