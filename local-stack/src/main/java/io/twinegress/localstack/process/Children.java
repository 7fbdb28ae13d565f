package io.twinegress.localstack.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every child process one stack started, recorded the moment it starts, so that stopping the stack
 * stops each of them by pid even when the start of another part failed half way.
 */
public final class Children {

    private final List<ChildProcess> started = new ArrayList<>();
    private boolean stopping;

    /**
     * Starts and records a child. Refused once {@link #stopAll} has run, so a part still starting
     * on another thread when the stack stops cannot leave a process behind.
     */
    public ChildProcess start(String name, List<String> command, Path workDir, Path log, Map<String, String> env) {
        synchronized (started) {
            if (stopping) {
                throw new StartupException(name, "not started: the stack is stopping", null, null);
            }
            ChildProcess p = ChildProcess.start(name, command, workDir, log, env);
            started.add(p);
            return p;
        }
    }

    /**
     * Also stops every child (as {@link #stopAll}) when this JVM exits, e.g. on Ctrl-C, for a
     * program that has no shutdown of its own to hook into. Returns this.
     */
    public Children stopAllOnExit(Duration grace) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(grace), "children-stop-on-exit"));
        return this;
    }

    /** Stops the children, most recently started first (Connect and the router before the broker). */
    public void stopAll(Duration grace) {
        List<ChildProcess> all;
        synchronized (started) {
            stopping = true;
            all = new ArrayList<>(started);
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            all.get(i).stop(grace);
        }
    }

    public List<ChildProcess> all() {
        synchronized (started) {
            return List.copyOf(started);
        }
    }
}
