package io.twinegress.cli.output;

import java.io.PrintStream;

/** Where the CLI speaks: results to {@code out}, problems to {@code err}; every line masked. */
public final class Console {

    private final PrintStream out;
    private final PrintStream err;

    public Console(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public void out(String line) {
        out.println(Masker.mask(line));
        out.flush();
    }

    public void err(String line) {
        err.println(Masker.mask(line));
        err.flush();
    }
}
