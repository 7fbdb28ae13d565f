package io.twinegress.cli.output;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.function.Consumer;

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

    /** {@link #out} as a writer, line by line (for text made elsewhere: generated help, a completion script). */
    public PrintWriter outWriter() {
        return new PrintWriter(new LineWriter(this::out), false);
    }

    /** {@link #err} as a writer, line by line. */
    public PrintWriter errWriter() {
        return new PrintWriter(new LineWriter(this::err), false);
    }

    /** Hands each complete line to {@code sink}; an unfinished last line goes on flush (the caller flushes when done). */
    private static final class LineWriter extends Writer {

        private final Consumer<String> sink;
        private final StringBuilder pending = new StringBuilder();

        LineWriter(Consumer<String> sink) {
            this.sink = sink;
        }

        @Override
        public synchronized void write(char[] buf, int off, int len) {
            for (int i = off; i < off + len; i++) {
                char c = buf[i];
                if (c == '\n') {
                    int end = pending.length();
                    if (end > 0 && pending.charAt(end - 1) == '\r') {
                        pending.setLength(end - 1);
                    }
                    sink.accept(pending.toString());
                    pending.setLength(0);
                } else {
                    pending.append(c);
                }
            }
        }

        @Override
        public synchronized void flush() {
            if (pending.length() > 0) {
                sink.accept(pending.toString());
                pending.setLength(0);
            }
        }

        @Override
        public void close() {
            flush();
        }
    }
}
