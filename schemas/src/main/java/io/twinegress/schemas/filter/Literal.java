package io.twinegress.schemas.filter;

/**
 * A string, number, {@code true}, {@code false} or {@code null} in a filter.
 *
 * @param value   as the value model keeps it ({@link Json})
 * @param written how it is rendered: a string quoted again, a number as written
 */
record Literal(Object value, String written) implements Operand {

    static Literal string(String s) {
        return new Literal(s, quote(s));
    }

    static final Literal TRUE = new Literal(Boolean.TRUE, "true");
    static final Literal FALSE = new Literal(Boolean.FALSE, "false");
    static final Literal NULL = new Literal(Json.NULL, "null");

    /** {@code 'text'} with every quote inside doubled. */
    static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    @Override
    public Object value(EventValues event) {
        return value;
    }

    @Override
    public Operand bind(FilterPlan.Builder plan) {
        return this;
    }

    @Override
    public void render(StringBuilder out) {
        out.append(written);
    }
}
