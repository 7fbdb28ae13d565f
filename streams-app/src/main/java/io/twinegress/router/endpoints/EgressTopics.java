package io.twinegress.router.endpoints;

import java.util.Map;

/**
 * Creates egress topics. Must be idempotent: a topic that already exists is success (under
 * exactly_once_v2 an endpoint record is processed again after a crash, and the topic created
 * the first time is still there).
 */
public interface EgressTopics extends AutoCloseable {

    /**
     * Makes sure the topic exists.
     *
     * @throws EgressTopicException when it does not and cannot be created in time
     */
    void ensure(String topic);

    @Override
    default void close() {
    }

    /** Builds the creator for a processor, from the application's configs (Kafka Streams' appConfigs). */
    @FunctionalInterface
    interface Factory {
        EgressTopics create(Map<String, Object> appConfigs);
    }

    /** Why an egress topic could not be created; the message is operator-facing and holds no secret. */
    class EgressTopicException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public EgressTopicException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
