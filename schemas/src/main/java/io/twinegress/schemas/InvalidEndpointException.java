package io.twinegress.schemas;

/** An endpoint record that breaks one of the rules of DESIGN §3; {@link #rule()} says which. */
public class InvalidEndpointException extends InvalidRecordException {

    private static final long serialVersionUID = 1L;

    private final EndpointRule rule;

    public InvalidEndpointException(EndpointRule rule, String field, String detail) {
        super(field, rule.message() + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"));
        this.rule = rule;
    }

    /** The rule the record breaks. */
    public EndpointRule rule() {
        return rule;
    }
}
