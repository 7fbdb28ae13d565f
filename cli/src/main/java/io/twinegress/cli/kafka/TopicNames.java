package io.twinegress.cli.kafka;

/**
 * Topic names, defaulting as the router's ({@code twin.endpoints.topic},
 * {@code twin.endpoints.status.topic}, {@code twin.egress.topic.prefix}).
 */
public record TopicNames(String endpoints, String status, String egressPrefix) {

    public static final String DEFAULT_ENDPOINTS = "twin.endpoints";
    public static final String DEFAULT_STATUS = "twin.endpoints.status";
    public static final String DEFAULT_EGRESS_PREFIX = "twin.egress.";

    public static TopicNames defaults() {
        return new TopicNames(DEFAULT_ENDPOINTS, DEFAULT_STATUS, DEFAULT_EGRESS_PREFIX);
    }

    public String egress(String endpointId) {
        return egressPrefix + endpointId;
    }
}
