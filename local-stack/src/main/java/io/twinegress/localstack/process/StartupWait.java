package io.twinegress.localstack.process;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for a part of the stack to come up: polls a condition with a deadline. Every wait of the
 * launchers goes through here: no fixed sleeps, and a child that dies while we wait fails the wait
 * at once, naming its log.
 */
public final class StartupWait {

    private static final long POLL_NANOS = Duration.ofMillis(100).toNanos();

    private StartupWait() {
    }

    /** Thrown by a condition that can never become true (e.g. the router rejected the endpoint): stop waiting. */
    public static final class GiveUp extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public GiveUp(String message) {
            super(message);
        }
    }

    /**
     * Polls {@code condition} until it returns true. Exceptions from the condition count as "not
     * yet" (the last one is reported). Fails with a {@link StartupException} naming {@code part}
     * and its log if the deadline passes or {@code process} (may be null) ends.
     */
    public static void until(String part, String what, Duration deadline, ChildProcess process,
            Callable<Boolean> condition) {
        long end = System.nanoTime() + deadline.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartupException(part, "interrupted while waiting for " + what, log(process), e);
            } catch (GiveUp e) {
                throw new StartupException(part, e.getMessage(), log(process), null);
            } catch (Exception e) {
                last = e;
            }
            if (process != null && !process.isAlive()) {
                // the last poll error only says the part was not there yet: the log says why it exited
                throw new StartupException(part, "exited with code " + process.exitCode() + " before " + what,
                        process.log(), null);
            }
            if (System.nanoTime() > end) {
                throw new StartupException(part, "no " + what + " within " + deadline.toSeconds() + " s"
                        + (last == null ? "" : " (last error: " + last.getMessage() + ")"), log(process), last);
            }
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new StartupException(part, "interrupted while waiting for " + what, log(process), null);
            }
        }
    }

    private static java.nio.file.Path log(ChildProcess p) {
        return p == null ? null : p.log();
    }
}
