package io.twinegress.bench.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The peak resident set size of a child process, read from {@code /proc/<pid>/status} (VmHWM) and
 * reset through {@code /proc/<pid>/clear_refs}, so each run reports its own peak. Linux only.
 */
public final class PeakRss {

    private PeakRss() {
    }

    /** Peak resident set size since start or the last {@link #reset}, in MiB; -1 when unknown. */
    public static double mib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring("VmHWM:".length()).trim().split("\\s+")[0]) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // gone or not Linux
        }
        return -1;
    }

    /** Resets the peak to the current resident set size (Linux: write 5 to clear_refs). */
    public static void reset(long pid) {
        try {
            Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
        } catch (IOException | RuntimeException ignored) {
            // not Linux, or not allowed: the peak then covers the process's whole life
        }
    }
}
