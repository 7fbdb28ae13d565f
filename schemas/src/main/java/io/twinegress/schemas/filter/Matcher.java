package io.twinegress.schemas.filter;

/**
 * A filter bound to the slots of one {@link FilterPlan}: evaluate it only on the
 * {@link EventValues} of that plan. Immutable, thread-safe, never throws.
 */
public final class Matcher {

    private final Filter filter;
    private final Node bound;

    Matcher(Filter filter, Node bound) {
        this.filter = filter;
        this.bound = bound;
    }

    /** True when the event passes the filter. */
    public boolean matches(EventValues event) {
        return bound.test(event);
    }

    public Filter filter() {
        return filter;
    }

    @Override
    public String toString() {
        return filter.canonical();
    }
}
