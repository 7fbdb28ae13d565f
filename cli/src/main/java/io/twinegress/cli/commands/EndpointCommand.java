package io.twinegress.cli.commands;

import io.twinegress.cli.args.ConnectionOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * What every endpoints command has: the session, the connection options, {@code --help}, and the
 * run: {@link #prepare} (checks and reads its input, before any client is opened), then
 * {@link #run} with the clients, closed afterwards.
 */
abstract class EndpointCommand implements Callable<Integer> {

    private final Session session;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    HelpOption help;

    EndpointCommand(Session session) {
        this.session = session;
    }

    Session session() {
        return session;
    }

    /** Checks the input and reads what it names (key files): a mistake here touches nothing. */
    void prepare() {
    }

    /** Whether to wait for Active / RUNNING after a change; the commands that change something have {@code --no-wait}. */
    boolean waitForState() {
        return true;
    }

    abstract void run(Context ctx);

    @Override
    public final Integer call() {
        prepare();
        try (Context ctx = Context.open(session, connection, waitForState())) {
            run(ctx);
        }
        return ExitCodes.OK;
    }
}
