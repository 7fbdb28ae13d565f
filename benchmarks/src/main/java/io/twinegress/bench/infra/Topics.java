package io.twinegress.bench.infra;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creating and deleting the suite's topics. */
public final class Topics {

    /** Output topics the suite measures from: the broker stamps each record as it appends it. */
    public static final Map<String, String> LOG_APPEND_TIME = Map.of("message.timestamp.type", "LogAppendTime");
    public static final Map<String, String> COMPACTED = Map.of("cleanup.policy", "compact");

    private Topics() {
    }

    public static void create(Admin admin, Collection<String> names, int partitions, Map<String, String> configs) {
        if (names.isEmpty()) {
            return;
        }
        List<NewTopic> topics = names.stream()
            .map(n -> new NewTopic(n, partitions, (short) 1).configs(configs))
            .toList();
        try {
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create " + names + ": " + e.getCause(), e.getCause());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + names + ": " + e, e);
        }
        awaitLeaders(admin, names);
    }

    /** Until every partition of {@code names} has a leader (metadata propagated), at most 30 s. */
    public static void awaitLeaders(Admin admin, Collection<String> names) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            try {
                boolean ready = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS).values().stream()
                    .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                if (ready) {
                    return;
                }
            } catch (Exception retry) {
                // not yet known everywhere
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public static void create(Admin admin, String name, int partitions, Map<String, String> configs) {
        create(admin, List.of(name), partitions, configs);
    }

    /** Deletes every topic whose name starts with {@code prefix}; errors are ignored (cleanup). */
    public static void deleteByPrefix(Admin admin, String prefix) {
        try {
            List<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                .filter(n -> n.startsWith(prefix)).toList();
            if (!names.isEmpty()) {
                admin.deleteTopics(names).all().get(60, TimeUnit.SECONDS);
            }
        } catch (Exception ignored) {
            // best effort
        }
    }

    /** Deletes the consumer groups (Streams app ids, sink groups) whose id starts with {@code prefix}. */
    public static void deleteGroupsByPrefix(Admin admin, String prefix) {
        try {
            List<String> ids = admin.listGroups().all().get(30, TimeUnit.SECONDS).stream()
                .map(g -> g.groupId()).filter(g -> g.startsWith(prefix)).toList();
            if (!ids.isEmpty()) {
                admin.deleteConsumerGroups(ids).all().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception ignored) {
            // best effort
        }
    }
}
