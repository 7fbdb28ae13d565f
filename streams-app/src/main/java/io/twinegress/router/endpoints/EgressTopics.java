package io.twinegress.router.endpoints;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Creates egress topics. Must be idempotent: a topic that already exists is success (under
 * exactly_once_v2 an endpoint record is processed again after a crash, and the topic created
 * the first time is still there).
 */
public interface EgressTopics extends AutoCloseable {

    /**
     * Makes sure the topic exists, waiting at most {@code timeLeft} for everything it asks the cluster.
     *
     * @return warnings for the endpoint's status: the topic exists, but something about it could not
     *         be checked or set (empty when all is well). Never a reason to refuse the endpoint.
     * @throws EgressTopicException when the topic does not exist and could not be created
     */
    List<String> ensure(String topic, Duration timeLeft);

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

        private final boolean retriable;

        /**
         * @param retriable the same request may succeed later without anyone changing anything (a
         *                  timeout, no controller yet); false when the cluster refused it (not authorized,
         *                  a policy, an invalid setting)
         */
        public EgressTopicException(String message, boolean retriable, Throwable cause) {
            super(message, cause);
            this.retriable = retriable;
        }

        public boolean retriable() {
            return retriable;
        }
    }
}
