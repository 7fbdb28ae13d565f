package io.twinegress.schemas.filter;

/**
 * A filter that cannot be accepted: what was expected and where, in one line
 * ({@code filter: expected ')', got the end of the filter at position 20}). Never carries a
 * stack trace to an operator: the message says it all.
 */
public final class FilterException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String detail;
    private final int position;

    /**
     * @param detail   what was expected (and what was found instead)
     * @param position the 1-based character position in the filter it refers to, or 0 when it
     *                 concerns the filter as a whole (e.g. not a string)
     */
    public FilterException(String detail, int position) {
        super("filter: " + detail + (position > 0 ? " at position " + position : ""));
        this.detail = detail;
        this.position = position;
    }

    /** The message without its {@code filter: } prefix. */
    public String reason() {
        return getMessage().substring("filter: ".length());
    }

    /** What was expected, without the position. */
    public String detail() {
        return detail;
    }

    /** The 1-based position in the filter, 0 for the filter as a whole. */
    public int position() {
        return position;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // A validation outcome, not a bug: no stack trace to build (or to print).
        return this;
    }
}
