package io.twinegress.schemas.filter;

/** One side of a comparison, or a function's argument: a literal or an attribute of the event. */
interface Operand {

    /** The value in this event; null when missing. */
    Object value(EventValues event);

    /** The same operand with its attribute bound to the plan's slot (a literal is its own binding). */
    Operand bind(FilterPlan.Builder plan);

    void render(StringBuilder out);
}
