package io.twinegress.bench.scale;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a child process holds right now, read from {@code /proc} (Linux only; -1 or empty elsewhere):
 * its thread count, resident set size, its threads grouped by name, and its open TCP connections by
 * remote port. Read from outside the process, so measuring adds no thread to what is measured.
 */
final class ProcStats {

    private static final Pattern SOCKET = Pattern.compile("socket:\\[(\\d+)]");
    private static final Pattern TRAILING_ID = Pattern.compile("[-_ #|]*[0-9]*$");

    private ProcStats() {
    }

    /** {@code Threads:} of {@code /proc/<pid>/status}. */
    static int threads(long pid) {
        return (int) statusField(pid, "Threads:");
    }

    /** {@code VmRSS:} in MiB. */
    static double rssMib(long pid) {
        long kb = statusField(pid, "VmRSS:");
        return kb < 0 ? -1 : kb / 1024.0;
    }

    private static long statusField(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // gone or not Linux
        }
        return -1;
    }

    /**
     * The threads by name with their trailing numbers cut ({@code task-thread-…}, {@code
     * reactor-executor}, …): the kernel's copy of each Java thread's name, its first 15 characters.
     */
    static Map<String, Integer> threadGroups(long pid) {
        Map<String, Integer> groups = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks) {
                try {
                    String name = Files.readString(t.resolve("comm")).trim();
                    groups.merge(TRAILING_ID.matcher(name).replaceAll(""), 1, Integer::sum);
                } catch (IOException ignored) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // gone or not Linux
        }
        return groups;
    }

    /** The process's established TCP connections (IPv4 and IPv6) by remote port. */
    static Map<Integer, Integer> connectionsByRemotePort(long pid) {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    Matcher m = SOCKET.matcher(Files.readSymbolicLink(fd).toString());
                    if (m.matches()) {
                        inodes.add(m.group(1));
                    }
                } catch (IOException ignored) {
                    // closed meanwhile
                }
            }
        } catch (IOException | RuntimeException ignored) {
            return Map.of();
        }
        Map<Integer, Integer> byPort = new HashMap<>();
        for (String table : List.of("tcp", "tcp6")) {
            try {
                List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", table));
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    // f[2] = remote address:port (hex), f[3] = state (01 = ESTABLISHED), f[9] = inode
                    if (f.length > 9 && "01".equals(f[3]) && inodes.contains(f[9])) {
                        String remote = f[2];
                        int port = Integer.parseInt(remote.substring(remote.lastIndexOf(':') + 1), 16);
                        byPort.merge(port, 1, Integer::sum);
                    }
                }
            } catch (IOException | RuntimeException ignored) {
                // no such table
            }
        }
        return byPort;
    }
}
