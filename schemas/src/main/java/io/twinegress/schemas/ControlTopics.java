package io.twinegress.schemas;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The rule both control topics ({@code twin.endpoints} and {@code twin.endpoints.status}) must
 * follow: {@code cleanup.policy=compact}, and only that. An endpoint's record is written once and
 * kept for as long as the endpoint exists; with {@code delete} (alone or with {@code compact}) the
 * broker removes it after {@code retention.ms}, and the router, which rebuilds its table and its
 * routing index from these topics at every start, would lose the endpoint: its events would be
 * dropped as matching no endpoint. The router refuses to start on such a topic; the CLI refuses to
 * write to it.
 */
public final class ControlTopics {

    /** The topic configuration the rule is about. */
    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String COMPACT = "compact";

    private ControlTopics() {
    }

    /**
     * @param topic         the control topic's name
     * @param cleanupPolicy its {@code cleanup.policy} as the broker describes it (e.g. {@code delete},
     *                      {@code compact,delete}); null when the broker did not say
     * @return what is wrong, in words naming the topic and the setting; empty when it is compacted only
     */
    public static Optional<String> notCompacted(String topic, String cleanupPolicy) {
        List<String> policies = cleanupPolicy == null ? List.of()
                : Arrays.stream(cleanupPolicy.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList();
        if (policies.equals(List.of(COMPACT))) {
            return Optional.empty();
        }
        return Optional.of("Topic " + topic + " has " + CLEANUP_POLICY + "=" + (cleanupPolicy == null ? "(unknown)" : cleanupPolicy)
                + "; it must be " + CLEANUP_POLICY + "=" + COMPACT + " (and nothing else): with deletion, the record of an "
                + "endpoint nobody changes is removed after retention.ms and the endpoint is lost at the next router start. "
                + "Fix it with: kafka-configs.sh --alter --entity-type topics --entity-name " + topic
                + " --add-config " + CLEANUP_POLICY + "=" + COMPACT);
    }
}
