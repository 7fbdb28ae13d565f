package io.twinegress.localstack.process;

import java.nio.file.Path;

/** A part of the local stack did not start: says which, why, and where its log is. */
public final class StartupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String part;
    private final transient Path log;

    public StartupException(String part, String reason, Path log, Throwable cause) {
        super(part + " failed to start: " + reason + (log == null ? "" : " (log: " + log + ")"), cause);
        this.part = part;
        this.log = log;
    }

    /** Something to fix before anything starts (ports, build): no part, no log. */
    public static StartupException precondition(String what, String reason) {
        return new StartupException(what, reason);
    }

    private StartupException(String what, String reason) {
        super("cannot start, " + what + ": " + reason);
        this.part = what;
        this.log = null;
    }

    public String part() {
        return part;
    }

    public Path log() {
        return log;
    }
}
