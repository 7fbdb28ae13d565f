package io.twinegress.connect.core;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.messaging.servicebus.ServiceBusErrorSource;
import com.azure.messaging.servicebus.ServiceBusException;
import io.twinegress.testing.kafka.TestLogs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeliveryEngineTest {

    static final TopicPartition P0 = new TopicPartition("twin.egress.sb", 0);
    static final TopicPartition P1 = new TopicPartition("twin.egress.sb", 1);
    static final TopicPartition P2 = new TopicPartition("twin.egress.sb", 2);

    final MutableClock clock = new MutableClock();
    /** What reached the endpoint, in order, with the key used. */
    final List<String> sent = Collections.synchronizedList(new ArrayList<>());
    final List<KeySlot> opened = new ArrayList<>();
    final java.util.concurrent.atomic.AtomicInteger closed = new java.util.concurrent.atomic.AtomicInteger();
    /** The endpoint's behaviour for one send: deliver, or throw. */
    BiConsumer<KeySlot, List<SinkRecord>> endpoint = (slot, records) -> { };
    FakeContext context;
    /** Where pipelined sends run: synchronously by default; a real thread in the pipelining tests. */
    Executor executor = Runnable::run;
    final ExecutorService sendThread = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopSendThread() {
        sendThread.shutdownNow();
    }

    static DeliveryConfig config(Map<String, String> overrides) {
        ConfigDef def = new ConfigDef();
        DeliveryConfig.addConnectionGroup(def, "primary", "secondary", "path");
        DeliveryConfig.addRetryGroup(def);
        DeliveryConfig.addBatchGroup(def, 500, 5000, 1_000_000L, 1_048_576L);
        DeliveryConfig.addDeliveryGroup(def);
        Map<String, String> props = new HashMap<>();
        props.put("name", "sb-test");
        props.put(DeliveryConfig.CONNECTION_STRING_CONFIG, "Endpoint=sb://x/;SharedAccessKeyName=k;SharedAccessKey=primary");
        props.put(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG, "Endpoint=sb://x/;SharedAccessKeyName=k;SharedAccessKey=secondary");
        props.put(DeliveryConfig.RETRY_BACKOFF_INITIAL_MS_CONFIG, "100");
        props.put(DeliveryConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "1000");
        props.put(DeliveryConfig.RETRY_BACKOFF_JITTER_CONFIG, "0");
        props.put(DeliveryConfig.ERRORS_TOLERANCE_CONFIG, "all");
        props.put(DeliveryConfig.DLQ_TOPIC_CONFIG, "twin.egress.sb.dlq");
        props.putAll(overrides);
        props.values().removeIf(v -> v == null);
        return new DeliveryConfig(def, props);
    }

    DeliveryEngine engine(Map<String, String> overrides) {
        DeliveryConfig config = config(overrides);
        context = new FakeContext(Map.of(), config.deadLetterAvailable()).assign(P0, P1);
        return new DeliveryEngine(config, context, slot -> {
            opened.add(slot);
            return new EndpointSender() {
                @Override
                public void send(List<SinkRecord> records, SendListener listener) {
                    // one request per record pair, so partial progress is visible
                    for (int i = 0; i < records.size(); i += 2) {
                        List<SinkRecord> batch = records.subList(i, Math.min(i + 2, records.size()));
                        endpoint.accept(slot, batch);
                        for (SinkRecord r : batch) {
                            sent.add(slot + ":" + r.kafkaPartition() + "@" + r.kafkaOffset());
                        }
                        listener.delivered(batch);
                    }
                }

                @Override
                public void close() {
                    closed.incrementAndGet();
                }
            };
        }, clock, () -> 0.0, executor);
    }

    static SinkRecord record(TopicPartition tp, long offset, String value) {
        return new SinkRecord(tp.topic(), tp.partition(), null, "key", null, value.getBytes(StandardCharsets.UTF_8), offset);
    }

    static List<SinkRecord> records(TopicPartition tp, long from, int n) {
        List<SinkRecord> out = new ArrayList<>();
        for (long o = from; o < from + n; o++) {
            out.add(record(tp, o, "{\"id\":\"e" + o + "\"}"));
        }
        return out;
    }

    static Map<TopicPartition, OffsetAndMetadata> current(TopicPartition tp, long next) {
        Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
        m.put(tp, new OffsetAndMetadata(next));
        return m;
    }

    static ServiceBusException unauthorized() {
        return new ServiceBusException(new AmqpException(false, AmqpErrorCondition.UNAUTHORIZED_ACCESS,
            "status-code: 401, status-description: InvalidSignature", null), ServiceBusErrorSource.SEND);
    }

    static ServiceBusException busy() {
        return new ServiceBusException(new AmqpException(true, AmqpErrorCondition.SERVER_BUSY_ERROR, "busy", null),
            ServiceBusErrorSource.SEND);
    }

    /** How many lines logged since {@code mark} contain {@code text}. */
    static long lines(long mark, String text) {
        return TestLogs.readSince(mark).lines().filter(l -> l.contains(text)).count();
    }

    static final String BACKOFF_STARTS = "sb-test: endpoint unavailable";
    static final String BACKOFF_ENDS = "sb-test: endpoint accepts records again";

    @Test
    void deliversInOrderAndCommitsWhatConnectGave() {
        DeliveryEngine e = engine(Map.of());
        List<SinkRecord> batch = new ArrayList<>(records(P0, 0, 3));
        batch.addAll(records(P1, 10, 2));
        e.put(batch);
        assertEquals(List.of("primary:0@0", "primary:0@1", "primary:0@2", "primary:1@10", "primary:1@11"), sent);
        Map<TopicPartition, OffsetAndMetadata> current = current(P0, 3);
        current.put(P1, new OffsetAndMetadata(12));
        assertEquals(current, e.preCommit(current));
        assertEquals(5, e.metrics().delivered());
        assertEquals(3, e.metrics().batches());
        assertEquals(0, e.heldRecords());
    }

    @Test
    void refusedPrimaryFailsOverToSecondaryAndResendsInTheSamePut() {
        endpoint = (slot, records) -> {
            if (slot == KeySlot.PRIMARY) {
                throw unauthorized();
            }
        };
        DeliveryEngine e = engine(Map.of());
        e.put(records(P0, 0, 3));
        assertEquals(List.of(KeySlot.PRIMARY, KeySlot.SECONDARY), opened);
        assertEquals(List.of("secondary:0@0", "secondary:0@1", "secondary:0@2"), sent);
        assertEquals(KeySlot.SECONDARY, e.activeKey());
        assertEquals(KeySlot.SECONDARY, e.metrics().activeKey());
        assertEquals(1, e.metrics().failovers());
        assertEquals(-1, context.timeout, "no backoff");
        assertEquals(Set.of(), context.paused);
        e.put(records(P0, 3, 1));
        assertEquals("secondary:0@3", sent.get(3), "the working key stays");
    }

    @Test
    void bothKeysRefusedBackOffThenTryBothAgainWithoutDuplicates() {
        boolean[] fixed = {false};
        endpoint = (slot, records) -> {
            if (!(fixed[0] && slot == KeySlot.PRIMARY)) {
                throw unauthorized();
            }
        };
        DeliveryEngine e = engine(Map.of());
        List<SinkRecord> batch = records(P0, 0, 3);
        long mark = TestLogs.mark();
        e.put(batch); // returns: nothing is thrown at Connect
        assertEquals(100, context.timeout, "Connect calls put() again after the delay");
        assertEquals(Set.of(P0, P1), context.paused, "the input is paused meanwhile");
        assertEquals(List.of(KeySlot.PRIMARY, KeySlot.SECONDARY), opened);
        assertEquals(current(P0, 0), e.preCommit(current(P0, 3)), "nothing committed");
        assertTrue(e.metrics().backingOff());
        String start = TestLogs.readSince(mark).lines().filter(l -> l.contains(BACKOFF_STARTS)).findFirst().orElseThrow();
        assertTrue(start.contains("UNAUTHORIZED") && start.contains("holding 3 records, retrying in 100 ms"), start);

        clock.advance(Duration.ofMillis(50));
        e.put(List.of());
        assertEquals(50, context.timeout, "an early put() does not touch the endpoint");
        assertEquals(2, opened.size());

        clock.advance(Duration.ofMillis(50));
        e.put(List.of()); // the retry, from the held records
        assertEquals(200, context.timeout, "exponential");
        assertEquals(List.of(KeySlot.PRIMARY, KeySlot.SECONDARY, KeySlot.PRIMARY, KeySlot.SECONDARY), opened,
            "each round tries both keys");
        assertEquals(Set.of(P0, P1), context.paused);

        fixed[0] = true;
        clock.advance(Duration.ofMillis(200));
        e.put(List.of()); // primary works now
        assertEquals(List.of("primary:0@0", "primary:0@1", "primary:0@2"), sent);
        assertEquals(current(P0, 3), e.preCommit(current(P0, 3)));
        assertFalse(e.metrics().backingOff());
        assertEquals(Set.of(), context.paused, "the input is resumed");
        assertEquals(300, e.metrics().backoffTimeTotalMs());
        assertEquals(1, lines(mark, BACKOFF_STARTS), "one line when the backoff starts");
        assertEquals(1, lines(mark, BACKOFF_ENDS), "one when it ends");
        assertEquals(2, lines(mark, "sb-test: the endpoint refused"), "the two key switches of the first round; the second round's are quiet");
    }

    @Test
    void transientFailureMidwayKeepsWhatWasSentAndResendsOnlyTheRest() {
        int[] calls = {0};
        endpoint = (slot, records) -> {
            if (calls[0]++ == 1) {
                throw busy();
            }
        };
        DeliveryEngine e = engine(Map.of());
        List<SinkRecord> batch = records(P0, 0, 5);
        e.put(batch);
        assertEquals(List.of("primary:0@0", "primary:0@1"), sent);
        assertEquals(current(P0, 2), e.preCommit(current(P0, 5)), "commits up to the first unsent record");
        clock.advance(Duration.ofMillis(100));
        e.put(batch); // the same batch handed over again (a rewind): only the rest is sent
        assertEquals(List.of("primary:0@0", "primary:0@1", "primary:0@2", "primary:0@3", "primary:0@4"), sent);
        assertEquals(current(P0, 5), e.preCommit(current(P0, 5)));
    }

    @Test
    void aRejectedRecordIsIsolatedAndDeadLetteredTheRestDelivered() {
        endpoint = (slot, records) -> {
            for (SinkRecord r : records) {
                if (r.kafkaOffset() == 5) {
                    throw new EndpointHttpException(400, "event 5 is malformed", Optional.empty());
                }
            }
        };
        DeliveryEngine e = engine(Map.of());
        e.put(records(P0, 0, 8));
        assertEquals(7, sent.size());
        assertTrue(sent.stream().noneMatch(s -> s.endsWith("@5")));
        assertEquals(1, context.reported.size());
        assertEquals(5, context.reported.get(0).record().kafkaOffset());
        assertInstanceOf(UndeliverableRecordException.class, context.reported.get(0).error());
        assertTrue(context.reported.get(0).error().getMessage().contains("event 5 is malformed"));
        assertEquals(current(P0, 8), e.preCommit(current(P0, 8)));
        assertEquals(1, e.metrics().deadLettered());
    }

    /**
     * When the endpoint refuses every record of a request even once the core has sent each alone,
     * the fault is the request's (a configuration), not every record's: the task fails with the
     * endpoint's answer instead of dead-lettering all the traffic.
     */
    @Test
    void whenEveryRecordOfASplitIsRefusedAloneTheTaskFailsAndNothingIsDeadLettered() {
        endpoint = (slot, records) -> {
            throw new EndpointHttpException(400, "Event at index 0: required property 'specversion' was not found.", Optional.empty());
        };
        DeliveryEngine e = engine(Map.of());
        ConnectException ce = assertThrows(ConnectException.class, () -> e.put(records(P0, 0, 6)));
        assertTrue(ce.getMessage().contains("specversion"), ce.getMessage());
        assertTrue(ce.getMessage().contains("every one of the 6 records"), ce.getMessage());
        assertTrue(context.reported.isEmpty(), "nothing dead-lettered");
        assertEquals(6, e.heldRecords());
        assertEquals(current(P0, 0), e.preCommit(current(P0, 6)));
    }

    /**
     * Connect waits for the dead-letter writes before it asks for offsets, but commits while closing
     * a task whose write failed without knowing of it: the engine never commits past a dead letter
     * not written (held at it while pending, refused once failed).
     */
    @Test
    void noCommitPassesADeadLetterNotKnownToBeWritten() {
        endpoint = (slot, records) -> {
            for (SinkRecord r : records) {
                if (r.kafkaOffset() == 2) {
                    throw new EndpointHttpException(400, "event 2 is malformed", Optional.empty());
                }
            }
        };
        DeliveryEngine e = engine(Map.of());
        java.util.concurrent.CompletableFuture<Void> write = new java.util.concurrent.CompletableFuture<>();
        context.writes = () -> write;
        e.put(records(P0, 0, 5));
        assertEquals(4, sent.size());
        assertEquals(0, e.heldRecords());
        assertEquals(current(P0, 2), e.preCommit(current(P0, 5)), "held at the dead letter while it is written");
        write.completeExceptionally(new IllegalStateException("the dead-letter topic refused it"));
        assertThrows(ConnectException.class, () -> e.preCommit(current(P0, 5)), "a failed write is never passed");
    }

    @Test
    void aSenderRejectionIsDeadLettered() {
        DeliveryConfig config = config(Map.of());
        context = new FakeContext(Map.of(), true).assign(P0, P1);
        DeliveryEngine e = new DeliveryEngine(config, context, slot -> new EndpointSender() {
            @Override
            public void send(List<SinkRecord> records, SendListener listener) {
                for (SinkRecord r : records) {
                    if (r.kafkaOffset() == 1) {
                        assertTrue(listener.rejected(r, "too large"), "with a dead-letter topic the sender goes on");
                    } else {
                        listener.delivered(List.of(r));
                    }
                }
            }

            @Override
            public void close() {
            }
        }, clock, () -> 0.0, executor);
        e.put(records(P0, 0, 3));
        assertEquals(1, context.reported.size());
        assertEquals("too large", context.reported.get(0).error().getMessage());
        assertEquals(current(P0, 3), e.preCommit(current(P0, 3)));
    }

    /** The sender hears of records as the core takes them, on the task thread, before the send that carries them. */
    @Test
    void theSenderSeesTheRecordsTakenBeforeTheirSend() {
        DeliveryConfig config = config(Map.of());
        context = new FakeContext(Map.of(), true).assign(P0, P1);
        List<String> events = new ArrayList<>();
        Thread task = Thread.currentThread();
        DeliveryEngine e = new DeliveryEngine(config, context, slot -> new EndpointSender() {
            @Override
            public void accepted(java.util.Collection<SinkRecord> records) {
                assertSame(task, Thread.currentThread());
                records.forEach(r -> events.add("accepted " + r.kafkaOffset()));
            }

            @Override
            public void send(List<SinkRecord> records, SendListener listener) {
                records.forEach(r -> events.add("sent " + r.kafkaOffset()));
                listener.delivered(records);
            }

            @Override
            public void close() {
            }
        }, clock, () -> 0.0, executor);
        e.put(records(P0, 0, 1)); // opens the sender: it was not there to hear of record 0
        e.put(records(P0, 1, 2));
        assertEquals(List.of("sent 0", "accepted 1", "accepted 2", "sent 1", "sent 2"), events);
    }

    /** Without a dead-letter topic, one record the endpoint never takes holds the whole endpoint: the task says so once, at start. */
    @Test
    void withoutADeadLetterTopicTheTaskSaysOnceAtStartThatOneBadRecordHoldsTheEndpoint() {
        Map<String, String> noDlq = new HashMap<>();
        noDlq.put(DeliveryConfig.DLQ_TOPIC_CONFIG, null);
        long mark = io.twinegress.testing.kafka.TestLogs.mark();
        engine(noDlq);
        String log = io.twinegress.testing.kafka.TestLogs.readSince(mark);
        assertEquals(1, log.split(java.util.regex.Pattern.quote(DeliveryConfig.WARNING_NO_DEAD_LETTER_TOPIC), -1).length - 1, log);
        String line = log.lines().filter(l -> l.contains(DeliveryConfig.WARNING_NO_DEAD_LETTER_TOPIC)).findFirst().orElseThrow();
        assertTrue(line.contains(" WARN ") && line.contains("sb-test"), line);
        mark = io.twinegress.testing.kafka.TestLogs.mark();
        engine(Map.of());
        assertFalse(io.twinegress.testing.kafka.TestLogs.readSince(mark).contains(DeliveryConfig.WARNING_NO_DEAD_LETTER_TOPIC));
    }

    /**
     * Without a dead-letter topic, never dropping a record means one the endpoint never takes holds
     * every partition of the endpoint, not only its own (the batch is retried as a whole): what the
     * validate() warning and the start line say.
     */
    @Test
    void withoutADeadLetterTopicOneRefusedRecordHoldsEveryPartition() {
        endpoint = (slot, records) -> {
            for (SinkRecord r : records) {
                if (r.kafkaPartition() == 0 && r.kafkaOffset() == 1) {
                    throw new EndpointHttpException(413, "too large", Optional.empty());
                }
            }
        };
        Map<String, String> noDlq = new HashMap<>();
        noDlq.put(DeliveryConfig.DLQ_TOPIC_CONFIG, null);
        DeliveryEngine e = engine(noDlq);
        List<SinkRecord> batch = new ArrayList<>(records(P0, 0, 2));
        batch.addAll(records(P1, 0, 2));
        e.put(batch);
        assertEquals(Set.of(P0, P1), context.paused);
        clock.advance(Duration.ofSeconds(1));
        e.put(records(P1, 2, 2)); // later records of the other partition wait too
        Map<TopicPartition, OffsetAndMetadata> current = current(P0, 2);
        current.put(P1, new OffsetAndMetadata(4));
        Map<TopicPartition, OffsetAndMetadata> committed = e.preCommit(current);
        assertEquals(new OffsetAndMetadata(1), committed.get(P0));
        assertTrue(committed.get(P1).offset() < 4, "partition 1 is held behind it: " + committed);
        assertTrue(context.reported.isEmpty());
    }

    @Test
    void withoutDeadLetterTopicARejectedRecordIsHeldNotDropped() {
        endpoint = (slot, records) -> {
            for (SinkRecord r : records) {
                if (r.kafkaOffset() == 2) {
                    throw new EndpointHttpException(413, "too large", Optional.empty());
                }
            }
        };
        Map<String, String> noDlq = new HashMap<>();
        noDlq.put(DeliveryConfig.DLQ_TOPIC_CONFIG, null);
        DeliveryEngine e = engine(noDlq);
        long mark = TestLogs.mark();
        e.put(records(P0, 0, 4));
        assertEquals(List.of("primary:0@0", "primary:0@1"), sent);
        assertEquals(current(P0, 2), e.preCommit(current(P0, 4)));
        assertEquals(2, e.heldRecords());
        assertTrue(context.reported.isEmpty());
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(1));
            e.put(List.of()); // each retry is refused again
        }
        assertEquals(2, e.heldRecords());
        assertEquals(1, lines(mark, "record twin.egress.sb-0@2 cannot be delivered"), "said once, not per retry");
        assertEquals(1, lines(mark, BACKOFF_STARTS));
    }

    @Test
    void pastTheDeadlineRecordsAreDeadLetteredWithTheReason() {
        endpoint = (slot, records) -> {
            throw busy();
        };
        DeliveryEngine e = engine(Map.of(DeliveryConfig.DELIVERY_DEADLINE_MS_CONFIG, "1000"));
        List<SinkRecord> batch = records(P0, 0, 3);
        e.put(batch);
        clock.advance(Duration.ofMillis(999));
        e.put(batch); // handed over again: held once, retried once
        assertEquals(0, context.reported.size());
        assertEquals(200, context.timeout);
        clock.advance(Duration.ofMillis(200));
        e.put(List.of()); // fails again, now past the deadline: dead-lettered
        assertEquals(3, context.reported.size());
        assertFalse(e.metrics().backingOff(), "nothing held: the backoff is over");
        assertEquals(Set.of(), context.paused, "and the input resumed");
        String reason = context.reported.get(0).error().getMessage();
        assertTrue(reason.contains("delivery.deadline.ms (1000 ms)") && reason.contains("SERVICE_BUSY"), reason);
        assertEquals(current(P0, 3), e.preCommit(current(P0, 3)));
        assertEquals(0, e.heldRecords());
    }

    @Test
    void pastTheDeadlineWithoutDeadLetterTopicTheTaskKeepsHolding() {
        endpoint = (slot, records) -> {
            throw busy();
        };
        Map<String, String> o = new HashMap<>();
        o.put(DeliveryConfig.DELIVERY_DEADLINE_MS_CONFIG, "100");
        o.put(DeliveryConfig.ERRORS_TOLERANCE_CONFIG, "none");
        DeliveryEngine e = engine(o);
        List<SinkRecord> batch = records(P0, 0, 2);
        for (int i = 0; i < 5; i++) {
            e.put(batch);
            clock.advance(Duration.ofSeconds(1));
        }
        assertEquals(2, e.heldRecords());
        assertEquals(current(P0, 0), e.preCommit(current(P0, 2)));
    }

    @Test
    void aPartialBatchWaitsUpToMaxWait() {
        DeliveryEngine e = engine(Map.of(DeliveryConfig.BATCH_MAX_WAIT_MS_CONFIG, "500",
            DeliveryConfig.BATCH_MAX_RECORDS_CONFIG, "4"));
        e.put(records(P0, 0, 1));
        assertEquals(List.of(), sent);
        assertEquals(500, context.timeout, "Connect calls put() again in time");
        assertEquals(current(P0, 0), e.preCommit(current(P0, 1)), "a waiting record is not committed");
        clock.advance(Duration.ofMillis(200));
        e.put(records(P0, 1, 1));
        assertEquals(List.of(), sent);
        assertEquals(300, context.timeout);
        clock.advance(Duration.ofMillis(300));
        e.put(List.of());
        assertEquals(2, sent.size());
        e.put(records(P0, 2, 4));
        assertEquals(6, sent.size(), "a full batch goes at once");
    }

    @Test
    void fatalFailuresFailTheTaskWithTheCause() {
        IllegalStateException bug = new IllegalStateException("bug");
        endpoint = (slot, records) -> {
            throw bug;
        };
        DeliveryEngine e = engine(Map.of());
        ConnectException ce = assertThrows(ConnectException.class, () -> e.put(records(P0, 0, 1)));
        assertSame(bug, ce.getCause());
        assertEquals(current(P0, 0), e.preCommit(current(P0, 1)));
    }

    @Test
    void revokedPartitionsAreForgotten() {
        endpoint = (slot, records) -> {
            throw busy();
        };
        DeliveryEngine e = engine(Map.of());
        List<SinkRecord> batch = new ArrayList<>(records(P0, 0, 2));
        batch.addAll(records(P1, 0, 2));
        e.put(batch);
        Map<TopicPartition, OffsetAndMetadata> current = current(P0, 2);
        current.put(P1, new OffsetAndMetadata(2));
        Map<TopicPartition, OffsetAndMetadata> committed = current(P0, 0);
        committed.put(P1, new OffsetAndMetadata(0));
        assertEquals(committed, e.preCommit(current), "what Connect commits before it revokes");
        e.close(List.of(P1));
        context.revoke(P1);
        assertEquals(2, e.heldRecords());
        endpoint = (slot, records) -> { };
        clock.advance(Duration.ofSeconds(1));
        context.assign(P1);
        e.open(List.of(P1)); // reassigned during the backoff: paused with the rest
        assertEquals(Set.of(P0, P1), context.paused);
        e.put(List.of()); // the retry
        assertEquals(Set.of(), context.paused);
        e.put(records(P1, 0, 1)); // redelivered from the committed offset
        assertEquals(List.of("primary:0@0", "primary:0@1", "primary:1@0"), sent);
    }

    /**
     * A rebalance during a backoff loses nothing: the revoked partition's records are dropped (its
     * next owner reads them from the offset committed before), a partition newly assigned is paused
     * like the others, the retry sends what is still held, in order, and resumes every partition.
     */
    @Test
    void aRebalanceDuringABackoffPausesTheNewPartitionsAndLosesNothing() {
        boolean[] down = {true};
        endpoint = (slot, records) -> {
            if (down[0]) {
                throw busy();
            }
        };
        DeliveryEngine e = engine(Map.of());
        List<SinkRecord> batch = new ArrayList<>(records(P0, 0, 3));
        batch.addAll(records(P1, 0, 3));
        e.put(batch);
        assertEquals(Set.of(P0, P1), context.paused);

        e.close(List.of(P1)); // the rebalance: P1 goes, P2 comes
        context.revoke(P1);
        context.assign(P2);
        e.open(List.of(P2));
        assertEquals(Set.of(P0, P2), context.paused, "the new partition is paused too");
        assertEquals(3, e.heldRecords());
        assertTrue(e.metrics().backingOff());

        down[0] = false;
        clock.advance(Duration.ofMillis(100));
        e.put(List.of());
        assertEquals(List.of("primary:0@0", "primary:0@1", "primary:0@2"), sent);
        assertEquals(Set.of(), context.paused, "every partition resumed");
        e.put(records(P2, 0, 2));
        assertEquals(5, sent.size());
        Map<TopicPartition, OffsetAndMetadata> current = current(P0, 3);
        current.put(P2, new OffsetAndMetadata(2));
        assertEquals(current, e.preCommit(current));
    }

    /** A backoff whose records were all taken from the task ends when its delay is over, and the input is resumed. */
    @Test
    void aBackoffWithNothingLeftToRetryEndsWhenItsDelayIsOver() {
        endpoint = (slot, records) -> {
            throw busy();
        };
        DeliveryEngine e = engine(Map.of());
        e.put(records(P1, 0, 2));
        e.close(List.of(P1));
        context.revoke(P1);
        e.put(List.of());
        assertTrue(e.metrics().backingOff(), "not before its delay");
        assertEquals(Set.of(P0), context.paused);
        clock.advance(Duration.ofMillis(100));
        e.put(List.of());
        assertFalse(e.metrics().backingOff());
        assertEquals(Set.of(), context.paused);
    }

    // ------------------------------------------------------------------ pipelined sends

    static final Duration WAIT = Duration.ofSeconds(20);

    static void awaitRelease(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the endpoint");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An engine on a real send thread whose endpoint holds each request from {@code heldFrom} on until released. */
    DeliveryEngine pipelined(long heldFrom, CountDownLatch release) {
        endpoint = (slot, records) -> {
            if (records.get(0).kafkaOffset() >= heldFrom) {
                awaitRelease(release);
            }
        };
        executor = sendThread;
        return engine(Map.of());
    }

    @Test
    void afterTheFirstSendPutReturnsWhileTheEndpointAnswersAndALaterPutCollectsTheOutcome() {
        CountDownLatch release = new CountDownLatch(1);
        DeliveryEngine e = pipelined(3, release);
        e.put(records(P0, 0, 3)); // opens the sender: sent on this thread
        assertEquals(3, sent.size());
        e.put(records(P0, 3, 2)); // returns with the send in flight
        assertEquals(3, sent.size(), "the endpoint has not answered yet");
        assertEquals(2, e.heldRecords(), "held until the endpoint has them");
        assertEquals(DeliveryEngine.IN_FLIGHT_CHECK_MS, context.timeout, "Connect calls put() again soon");
        release.countDown();
        await("the pipelined send reaches the endpoint").atMost(WAIT).until(() -> sent.size() == 5);
        e.put(List.of());
        assertEquals(0, e.heldRecords());
        assertEquals(5, e.metrics().delivered());
        assertEquals(current(P0, 5), e.preCommit(current(P0, 5)));
    }

    @Test
    void aKeyRefusedInFlightFailsOverWhenTheNextFullBatchWaitsAndOrderIsKept() {
        endpoint = (slot, records) -> {
            if (slot == KeySlot.PRIMARY && records.get(0).kafkaOffset() >= 2) {
                throw unauthorized();
            }
        };
        executor = sendThread;
        DeliveryEngine e = engine(Map.of(DeliveryConfig.BATCH_MAX_RECORDS_CONFIG, "2"));
        e.put(records(P0, 0, 2));
        e.put(records(P0, 2, 2)); // in flight, refused
        e.put(records(P0, 4, 2)); // a full batch waits: the failure is handled on the task thread
        assertEquals(current(P0, 6), e.preCommit(current(P0, 6)), "preCommit waits for what is in flight");
        assertEquals(List.of("primary:0@0", "primary:0@1", "secondary:0@2", "secondary:0@3", "secondary:0@4",
            "secondary:0@5"), sent);
        assertEquals(List.of(KeySlot.PRIMARY, KeySlot.SECONDARY), opened);
        assertEquals(1, e.metrics().failovers());
    }

    @Test
    void anEndpointDownInFlightBacksOffAndNothingIsCommittedPastIt() {
        AtomicBoolean down = new AtomicBoolean();
        CountDownLatch release = new CountDownLatch(1);
        endpoint = (slot, records) -> {
            if (down.get()) {
                awaitRelease(release); // fails only once put() has returned: the failure is met in flight
                throw busy();
            }
        };
        executor = sendThread;
        DeliveryEngine e = engine(Map.of(DeliveryConfig.BATCH_MAX_RECORDS_CONFIG, "2"));
        e.put(records(P0, 0, 2));
        down.set(true);
        e.put(records(P0, 2, 2)); // in flight
        assertEquals(DeliveryEngine.IN_FLIGHT_CHECK_MS, context.timeout);
        release.countDown();
        List<SinkRecord> next = records(P0, 4, 2);
        e.put(next);
        assertEquals(100, context.timeout, "Connect calls again after the backoff");
        assertEquals(Set.of(P0, P1), context.paused);
        assertEquals(4, e.heldRecords());
        assertEquals(current(P0, 2), e.preCommit(current(P0, 6)));
        down.set(false);
        clock.advance(Duration.ofMillis(100));
        e.put(List.of()); // the retry
        assertEquals(List.of("primary:0@0", "primary:0@1", "primary:0@2", "primary:0@3", "primary:0@4", "primary:0@5"), sent);
        assertEquals(current(P0, 6), e.preCommit(current(P0, 6)));
        assertFalse(e.metrics().backingOff());
    }

    @Test
    void aRecordRejectedInFlightIsIsolatedAndTheRestDeliveredInOrder() {
        endpoint = (slot, records) -> {
            for (SinkRecord r : records) {
                if (r.kafkaOffset() == 3) {
                    throw new EndpointHttpException(400, "event 3 is malformed", Optional.empty());
                }
            }
        };
        executor = sendThread;
        DeliveryEngine e = engine(Map.of(DeliveryConfig.BATCH_MAX_RECORDS_CONFIG, "4"));
        e.put(records(P0, 0, 2));
        e.put(records(P0, 2, 4)); // in flight: its first request (2, 3) is refused
        e.put(records(P0, 6, 4));
        // (the failure may also have been met by the put that sent it, and 6-9 be in flight now)
        assertEquals(current(P0, 10), e.preCommit(current(P0, 10)), "preCommit waits for what is in flight");
        assertEquals(List.of("primary:0@0", "primary:0@1", "primary:0@2", "primary:0@4", "primary:0@5", "primary:0@6",
            "primary:0@7", "primary:0@8", "primary:0@9"), sent);
        assertEquals(1, context.reported.size());
        assertEquals(3, context.reported.get(0).record().kafkaOffset());
    }

    @Test
    void withoutDeadLetterTopicASenderRejectionInFlightIsHeld() {
        Map<String, String> noDlq = new HashMap<>();
        noDlq.put(DeliveryConfig.DLQ_TOPIC_CONFIG, null);
        noDlq.put(DeliveryConfig.BATCH_MAX_RECORDS_CONFIG, "2");
        DeliveryConfig config = config(noDlq);
        context = new FakeContext(Map.of(), config.deadLetterAvailable()).assign(P0, P1);
        CountDownLatch release = new CountDownLatch(1);
        DeliveryEngine e = new DeliveryEngine(config, context, slot -> new EndpointSender() {
            @Override
            public void send(List<SinkRecord> records, SendListener listener) {
                for (SinkRecord r : records) {
                    if (r.kafkaOffset() == 3) {
                        awaitRelease(release);
                        if (!listener.rejected(r, "too large")) {
                            return; // the contract: send nothing more
                        }
                    } else {
                        listener.delivered(List.of(r));
                        sent.add(Long.toString(r.kafkaOffset()));
                    }
                }
            }

            @Override
            public void close() {
            }
        }, clock, () -> 0.0, sendThread);
        e.put(records(P0, 0, 2));
        e.put(records(P0, 2, 2)); // in flight: 2 delivered, 3 cannot be
        assertEquals(DeliveryEngine.IN_FLIGHT_CHECK_MS, context.timeout);
        release.countDown();
        e.put(records(P0, 4, 2));
        assertEquals(List.of("0", "1", "2"), sent, "nothing after the held record");
        assertEquals(Set.of(P0, P1), context.paused);
        assertEquals(current(P0, 3), e.preCommit(current(P0, 6)));
        assertEquals(3, e.heldRecords());
        assertTrue(context.reported.isEmpty());
    }

    @Test
    void closingPartitionsWaitsForTheSendInFlight() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        DeliveryEngine e = pipelined(3, release);
        e.put(records(P0, 0, 3));
        e.put(records(P0, 3, 2)); // in flight
        Thread closer = new Thread(() -> e.close(List.of(P0)));
        closer.start();
        release.countDown();
        closer.join(WAIT.toMillis());
        assertFalse(closer.isAlive());
        assertEquals(5, sent.size());
        assertEquals(5, e.metrics().delivered(), "the in-flight outcome was applied before the partition was let go");
        assertEquals(0, e.heldRecords());
    }

    // ------------------------------------------------------------------ sends that never return

    /** An endpoint whose next request never returns, not even when interrupted, until the test ends; the clock runs on meanwhile. */
    final CountDownLatch neverAnswered = new CountDownLatch(1);

    void hangFor(Duration clockAdvance) {
        clock.advance(clockAdvance);
        while (neverAnswered.getCount() > 0) {
            try {
                neverAnswered.await();
            } catch (InterruptedException ignored) {
                // a send that ignores interrupts too
            }
        }
        throw new IllegalStateException("released at the end of the test");
    }

    final ExecutorService sendThreads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-send");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void releaseHungSends() {
        neverAnswered.countDown();
        sendThreads.shutdownNow();
    }

    @Test
    void theWaitBudgetIsTwoFifthsOfTheConsumersMaxPollInterval() {
        assertEquals(Duration.ofSeconds(120), config(Map.of()).waitBudget(), "Kafka's default max.poll.interval.ms, 300 s");
        assertEquals(Duration.ofSeconds(24),
            config(Map.of(DeliveryConfig.MAX_POLL_INTERVAL_OVERRIDE_CONFIG, "60000")).waitBudget());
    }

    /**
     * A send that never returns (the first one, which runs while put() waits) must not hold put()
     * past the consumer's poll interval: once the wait budget is over on the task's clock, the send
     * is given up as an unavailable endpoint (backoff, nothing committed), its client closed, and the
     * next round opens a new one and delivers, on another thread if the hung one stays stuck.
     */
    @Test
    void aSendThatNeverReturnsEndsAsTransientWithinThePollIntervalAndTheNextRoundUsesANewSender() {
        boolean[] hung = {false};
        endpoint = (slot, records) -> {
            if (!hung[0]) {
                hung[0] = true;
                hangFor(Duration.ofMinutes(3));
            }
        };
        executor = sendThreads;
        DeliveryEngine e = engine(Map.of());
        List<SinkRecord> batch = records(P0, 0, 3);
        long mark = TestLogs.mark();
        assertTimeoutPreemptively(WAIT, () -> e.put(batch));
        assertEquals(1, lines(mark, BACKOFF_STARTS + " (SendTimeoutException: no answer to a send of 3 records"), TestLogs.readSince(mark));
        assertEquals(100, context.timeout, "backs off");
        assertEquals(Set.of(P0, P1), context.paused);
        assertEquals(3, e.heldRecords());
        assertEquals(current(P0, 0), e.preCommit(current(P0, 3)), "nothing committed");
        await("the hung send's client is closed").atMost(WAIT).until(() -> closed.get() == 1);

        clock.advance(Duration.ofMillis(100));
        e.put(List.of()); // the retry after the backoff
        assertEquals(List.of("primary:0@0", "primary:0@1", "primary:0@2"), sent);
        assertEquals(List.of(KeySlot.PRIMARY, KeySlot.PRIMARY), opened, "a new client");
        assertEquals(current(P0, 3), e.preCommit(current(P0, 3)));
    }

    /** The same for a send in flight while Connect fetches the next records: the next put() gives it up once it is overdue. */
    @Test
    void aPipelinedSendThatNeverReturnsIsGivenUpByALaterPut() {
        AtomicBoolean hung = new AtomicBoolean();
        endpoint = (slot, records) -> {
            if (records.get(0).kafkaOffset() == 2 && hung.compareAndSet(false, true)) {
                hangFor(Duration.ofMinutes(3));
            }
        };
        executor = sendThreads;
        DeliveryEngine e = engine(Map.of());
        e.put(records(P0, 0, 2)); // opens the sender: delivered while put() waits
        e.put(records(P0, 2, 2)); // in flight, never answered
        await("the endpoint got the request").atMost(WAIT)
            .until(() -> clock.instant().isAfter(java.time.Instant.parse("2026-11-22T10:02:00Z")));
        List<SinkRecord> next = records(P0, 4, 1);
        long mark = TestLogs.mark();
        assertTimeoutPreemptively(WAIT, () -> e.put(next));
        assertEquals(1, lines(mark, BACKOFF_STARTS + " (SendTimeoutException: no answer to a send of 2 records"), TestLogs.readSince(mark));
        assertEquals(3, e.heldRecords());
        assertEquals(current(P0, 2), e.preCommit(current(P0, 5)));
        clock.advance(Duration.ofMillis(100));
        e.put(List.of());
        assertEquals(List.of("primary:0@0", "primary:0@1", "primary:0@2", "primary:0@3", "primary:0@4"), sent);
        assertEquals(current(P0, 5), e.preCommit(current(P0, 5)));
    }
}
