package io.twinegress.cli;

import io.twinegress.cli.args.ConnectionOptions;
import io.twinegress.cli.args.UsageException;
import io.twinegress.cli.body.InvalidInputException;
import io.twinegress.cli.body.Problem;
import io.twinegress.cli.commands.ExitCodes;
import io.twinegress.cli.commands.PendingException;
import io.twinegress.cli.commands.Session;
import io.twinegress.cli.commands.TwinEgressCommand;
import io.twinegress.cli.kafka.KafkaUnavailableException;
import io.twinegress.cli.output.Console;
import io.twinegress.connectrest.ConnectRestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code twin-egress endpoints <create|update|delete|list|status> [<id>] [options]} and
 * {@code twin-egress dlq <list|show|replay> <endpoint|router> [options]}: the command
 * tree (picocli: each command with its own options and generated {@code --help}), and every
 * outcome turned into one exit code. Nothing it prints can carry a secret: every line goes
 * through the masking {@link Console}, and an argument the parser does not know is never echoed
 * (it may be a key typed in the wrong place).
 */
public final class Cli {

    public static final int OK = ExitCodes.OK;
    public static final int INVALID = ExitCodes.INVALID;
    public static final int USAGE = ExitCodes.USAGE;
    public static final int UNAVAILABLE = ExitCodes.UNAVAILABLE;

    public static final String ENV_BOOTSTRAP = ConnectionOptions.ENV_BOOTSTRAP;
    public static final String ENV_CONNECT_URL = ConnectionOptions.ENV_CONNECT_URL;
    public static final String ENV_CONNECT_USER = ConnectionOptions.ENV_CONNECT_USER;
    public static final String ENV_CONNECT_PASSWORD = ConnectionOptions.ENV_CONNECT_PASSWORD;

    private final Console console;
    private final Session session;

    public Cli(Console console, Map<String, String> env) {
        this.console = console;
        this.session = new Session(console, env);
    }

    public int run(String... argv) {
        return commandLine().execute(argv);
    }

    /** The command tree, speaking through the console; commands get the session through their constructor. */
    public CommandLine commandLine() {
        CommandLine cl = new CommandLine(TwinEgressCommand.class, new Factory(session));
        cl.setOut(console.outWriter());
        cl.setErr(console.errWriter());
        cl.setParameterExceptionHandler(this::usageError);
        cl.setExecutionExceptionHandler(this::failure);
        exitCodesInHelp(cl);
        return cl;
    }

    private static void exitCodesInHelp(CommandLine cl) {
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.described());
        cl.getSubcommands().values().forEach(Cli::exitCodesInHelp);
    }

    private int usageError(ParameterException e, String[] args) {
        console.err("usage error: " + describe(e));
        console.err("run `" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help` for its options");
        return USAGE;
    }

    /** picocli's own words, except that an unknown argument is named only up to its '=' (an option) or not at all. */
    private static String describe(ParameterException e) {
        if (!(e instanceof UnmatchedArgumentException u)) {
            return e.getMessage();
        }
        List<String> parts = new ArrayList<>();
        int positionals = 0;
        for (String arg : u.getUnmatched()) {
            if (arg.startsWith("-") && arg.length() > 1) {
                int eq = arg.indexOf('=');
                parts.add("unknown option " + (eq < 0 ? arg : arg.substring(0, eq)));
            } else {
                positionals++;
            }
        }
        CommandSpec spec = u.getCommandLine().getCommandSpec();
        if (positionals > 0 && !spec.subcommands().isEmpty()) {
            parts.add("unknown command: `" + spec.qualifiedName() + "` takes one of "
                    + String.join(", ", spec.subcommands().keySet()));
        } else if (positionals > 0) {
            parts.add(spec.qualifiedName() + " takes no " + (spec.positionalParameters().isEmpty() ? "argument" : "further argument")
                    + " (" + positionals + " given; not shown, as one may be a secret)");
        }
        List<String> suggestions = u.getSuggestions();
        return String.join("; ", parts) + (suggestions.isEmpty() ? "" : " (did you mean " + String.join(" or ", suggestions) + "?)");
    }

    private int failure(Exception e, CommandLine cl, ParseResult parsed) throws Exception {
        if (e instanceof UsageException) {
            console.err("usage error: " + e.getMessage());
            console.err("run `" + cl.getCommandSpec().qualifiedName() + " --help` for its options");
            return USAGE;
        }
        if (e instanceof InvalidInputException invalid) {
            for (Problem p : invalid.problems()) {
                console.err("invalid: " + p);
            }
            if (!invalid.problems().isEmpty()) {
                // Problems are found before the first change; a command that fails later has said what it changed.
                console.err("nothing was changed");
            }
            return INVALID;
        }
        if (e instanceof ConnectRestException connect) {
            console.err("error: " + e.getMessage() + (connect.credentialsRefused()
                    ? "; set --connect-user and $" + ENV_CONNECT_PASSWORD + " or --connect-password-file" : ""));
            return connect.noAnswer() || connect.credentialsRefused() ? UNAVAILABLE : INVALID;
        }
        if (e instanceof KafkaUnavailableException) {
            console.err("error: " + e.getMessage());
            return UNAVAILABLE;
        }
        if (e instanceof PendingException) {
            console.err(e.getMessage());
            return UNAVAILABLE;
        }
        throw e;
    }

    /** Makes the commands that take a {@link Session}; anything else (mixins, picocli's own commands) as picocli does. */
    private record Factory(Session session) implements CommandLine.IFactory {

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                return cls.getConstructor(Session.class).newInstance(session);
            } catch (NoSuchMethodException noSessionConstructor) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }
}
