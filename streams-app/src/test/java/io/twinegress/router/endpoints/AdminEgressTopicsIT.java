package io.twinegress.router.endpoints;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.router.config.RouterConfig;
import io.twinegress.testing.kafka.KafkaBroker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeConfigsResult;
import org.apache.kafka.clients.admin.ForwardingAdmin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The egress-topic step against a real broker: how its failures are told apart (a warning, a
 * retriable failure, a refusal) and that the whole step waits at most its one timeout. A slow or
 * refusing cluster is a real Admin client wrapped so that chosen answers come late or fail.
 */
class AdminEgressTopicsIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor();

    @AfterAll
    static void stop() {
        LATER.shutdownNow();
    }

    private static RouterConfig config(Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", KAFKA.bootstrapServers());
        props.putAll(extra);
        return new RouterConfig(props);
    }

    private static Map<String, Object> adminConfig(String bootstrap) {
        Map<String, Object> admin = new HashMap<>();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return admin;
    }

    /** Completes {@code future} from {@code real}'s outcome, {@code delay} later. */
    private static <T> KafkaFuture<T> late(KafkaFuture<T> real, Duration delay) {
        KafkaFutureImpl<T> late = new KafkaFutureImpl<>();
        real.whenComplete((value, error) -> LATER.schedule(() -> {
            if (error != null) {
                late.completeExceptionally(unwrap(error));
            } else {
                late.complete(value);
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS));
        return late;
    }

    private static Throwable unwrap(Throwable e) {
        while (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** A real Admin client whose createTopics and describeConfigs answers come {@code delay} late. */
    private static final class SlowAdmin extends ForwardingAdmin {
        private final Duration delay;

        SlowAdmin(Duration delay) {
            super(adminConfig(KAFKA.bootstrapServers()));
            this.delay = delay;
        }

        @Override
        public CreateTopicsResult createTopics(Collection<NewTopic> topics, CreateTopicsOptions options) {
            CreateTopicsResult real = super.createTopics(topics, options);
            Map<String, KafkaFuture<CreateTopicsResult.TopicMetadataAndConfig>> futures = new HashMap<>();
            for (NewTopic topic : topics) {
                KafkaFutureImpl<CreateTopicsResult.TopicMetadataAndConfig> f = new KafkaFutureImpl<>();
                late(real.values().get(topic.name()), delay).whenComplete((v, e) -> {
                    if (e != null) {
                        f.completeExceptionally(unwrap(e));
                    } else {
                        f.complete(null);
                    }
                });
                futures.put(topic.name(), f);
            }
            return new CreateTopicsResult(futures) {
            };
        }

        @Override
        public DescribeConfigsResult describeConfigs(Collection<ConfigResource> resources, DescribeConfigsOptions options) {
            DescribeConfigsResult real = super.describeConfigs(resources, options);
            Map<ConfigResource, KafkaFuture<Config>> futures = new HashMap<>();
            real.values().forEach((resource, future) -> futures.put(resource, late(future, delay)));
            return new DescribeConfigsResult(futures) {
            };
        }
    }

    /** A real Admin client that may create topics but not describe their configuration. */
    private static final class CannotDescribe extends ForwardingAdmin {
        CannotDescribe() {
            super(adminConfig(KAFKA.bootstrapServers()));
        }

        @Override
        public DescribeConfigsResult describeConfigs(Collection<ConfigResource> resources, DescribeConfigsOptions options) {
            Map<ConfigResource, KafkaFuture<Config>> futures = new HashMap<>();
            for (ConfigResource resource : resources) {
                futures.put(resource, KafkaFuture.<Config>completedFuture(null).thenApply(c -> {
                    throw new TopicAuthorizationException("Topic authorization failed.");
                }));
            }
            return new DescribeConfigsResult(futures) {
            };
        }
    }

    @Test
    void theWholeStepWaitsAtMostItsTimeoutInAll() {
        // The topic exists with too small a max.message.bytes: create answers "exists", then describe, then alter.
        KAFKA.createTopic("slow.egress", 1, Map.of("max.message.bytes", "2000"));
        Duration timeout = Duration.ofMillis(2000);
        try (AdminEgressTopics topics = new AdminEgressTopics(new SlowAdmin(Duration.ofMillis(1500)), config(Map.of()))) {
            long start = System.nanoTime();
            List<String> warnings = topics.ensure("slow.egress", timeout);
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // Each answer alone is in time; create + describe are not. Not a performance bound: the one deadline.
            assertTrue(elapsedMs < 2 * 1500, "waited " + elapsedMs + " ms for a step of " + timeout.toMillis() + " ms");
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("slow.egress") && warnings.get(0).contains("max.message.bytes"), warnings.get(0));
        }
    }

    @Test
    void aTopicThatExistsButWhoseConfigurationCannotBeReadIsAWarning() {
        KAFKA.createTopic("nodescribe.egress", 1);
        try (AdminEgressTopics topics = new AdminEgressTopics(new CannotDescribe(), config(Map.of()))) {
            List<String> warnings = topics.ensure("nodescribe.egress", Duration.ofSeconds(10));
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("TopicAuthorizationException"), warnings.get(0));
        }
    }

    @Test
    void aNewTopicIsCreatedWithoutWarnings() {
        try (AdminEgressTopics topics = new AdminEgressTopics(Admin.create(adminConfig(KAFKA.bootstrapServers())), config(Map.of()))) {
            assertEquals(List.of(), topics.ensure("fresh.egress", Duration.ofSeconds(10)));
            // created once the controller has it; the broker answering listTopics may learn it a moment later
            await("fresh.egress listed").atMost(Duration.ofSeconds(10)).until(() -> KAFKA.topicNames().contains("fresh.egress"));
            assertEquals(List.of(), topics.ensure("fresh.egress", Duration.ofSeconds(10)), "again: it exists, it is sized");
        }
    }

    @Test
    void aRefusalIsNotRetriable() {
        // One broker cannot hold three replicas: the broker refuses, and will again.
        RouterConfig threeReplicas = config(Map.of(RouterConfig.EGRESS_REPLICATION_CONFIG, 3));
        try (AdminEgressTopics topics = new AdminEgressTopics(Admin.create(adminConfig(KAFKA.bootstrapServers())), threeReplicas)) {
            EgressTopics.EgressTopicException e = assertThrows(EgressTopics.EgressTopicException.class,
                    () -> topics.ensure("refused.egress", Duration.ofSeconds(10)));
            assertFalse(e.retriable(), e.getMessage());
            assertTrue(e.getMessage().contains("refused.egress"), e.getMessage());
        }
        assertFalse(KAFKA.topicNames().contains("refused.egress"));
    }

    @Test
    void aClusterThatDoesNotAnswerInTimeIsRetriable() throws IOException {
        // A port that accepts connections and never answers.
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (!silent.isClosed()) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-broker");
            acceptor.setDaemon(true);
            acceptor.start();
            Admin admin = Admin.create(adminConfig("127.0.0.1:" + silent.getLocalPort()));
            try {
                AdminEgressTopics topics = new AdminEgressTopics(admin, config(Map.of()));
                EgressTopics.EgressTopicException e = assertThrows(EgressTopics.EgressTopicException.class,
                        () -> topics.ensure("unanswered.egress", Duration.ofMillis(500)));
                assertTrue(e.retriable(), e.getMessage());
                assertTrue(e.getMessage().contains("unanswered.egress"), e.getMessage());
            } finally {
                admin.close(Duration.ZERO);   // its calls would wait for the silent broker
            }
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
