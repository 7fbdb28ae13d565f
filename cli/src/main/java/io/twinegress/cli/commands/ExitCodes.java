package io.twinegress.cli.commands;

import java.util.LinkedHashMap;
import java.util.Map;

/** Every outcome of a command is one of these exit codes. */
public final class ExitCodes {

    /** Done: created/updated and Active + RUNNING, deleted, listed. */
    public static final int OK = 0;
    /** Invalid input (nothing was changed), or the router rejected the endpoint / its task failed after the change. */
    public static final int INVALID = 1;
    /** Unknown command or option, missing argument, a secret on the command line. */
    public static final int USAGE = 2;
    /** Kafka or Connect unreachable (or Connect refused the credentials), or still pending at the deadline. */
    public static final int UNAVAILABLE = 3;

    private ExitCodes() {
    }

    /** For the generated help. */
    public static Map<String, String> described() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(String.valueOf(OK), "done (created/updated and Active + RUNNING, deleted, listed)");
        m.put(String.valueOf(INVALID), "invalid input (nothing changed), or rejected by the router / the connector's task failed");
        m.put(String.valueOf(USAGE), "usage error: unknown command or option, missing argument, a secret on the command line");
        m.put(String.valueOf(UNAVAILABLE), "Kafka or Connect unreachable (or credentials refused), or still pending at the deadline");
        return m;
    }
}
