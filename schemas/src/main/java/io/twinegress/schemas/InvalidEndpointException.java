package io.twinegress.schemas;

/** An endpoint record that breaks one of the endpoint rules; {@link #rule()} says which. */
public class InvalidEndpointException extends InvalidRecordException {

    private static final long serialVersionUID = 1L;

    private final EndpointRule rule;

    public InvalidEndpointException(EndpointRule rule, String field, String detail) {
        this(field, rule.message() + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"), rule);
    }

    private InvalidEndpointException(String field, String reason, EndpointRule rule) {
        super(field, reason);
        this.rule = rule;
    }

    /**
     * A {@link EndpointRule#FILTER_INVALID} whose reason is the filter's own one-line message
     * ({@code filter: expected ')', got the end of the filter at position 20}): it says more than
     * the rule's generic message would.
     */
    public static InvalidEndpointException filter(String reason) {
        return new InvalidEndpointException("filter", reason, EndpointRule.FILTER_INVALID);
    }

    /** The rule the record breaks. */
    public EndpointRule rule() {
        return rule;
    }
}
