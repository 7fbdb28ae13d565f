package io.twinegress.bench.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time a child process has used so far (user + system, all its threads), from
 * {@code /proc/<pid>/stat}. On a shared machine a subject's wall-clock rate follows everyone's load,
 * but the CPU it spends on a fixed amount of work hardly does: the figure to compare when the load
 * is high. Linux only.
 */
public final class CpuTime {

    /** The kernel's clock ticks per second for /proc times (USER_HZ, 100 on Linux). */
    private static final double TICKS = 100.0;

    private CpuTime() {
    }

    /** CPU seconds used since the process started; -1 when unknown. */
    public static double seconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may hold spaces: count fields after its closing parenthesis
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;   // utime, stime (fields 14, 15)
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
