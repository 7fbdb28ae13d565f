package io.twinegress.cli.args;

/** The command line is wrong: unknown option, missing value or argument. Exit code 2. */
public final class UsageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
