package io.twinegress.cli.dlq;

import io.twinegress.cli.kafka.KafkaUnavailableException;
import io.twinegress.schemas.Instants;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Copies the selected dead letters of one dead-letter topic to where they go again
 * ({@link DeadLetterSource#destination}): key, value and timestamp byte for byte, the original
 * headers (the dead-letter writer's own left out) plus the {@code twin.replay.*} lineage.
 *
 * <p>Exactly once across a crash of the command: the copies of a batch and the updated replayed
 * offsets of the partitions they came from ({@code twin.dlq.replayed}) commit in one Kafka
 * transaction. The transactional id is the dead-letter topic's, so a run's
 * {@code initTransactions} first aborts whatever a crashed (or still running) earlier run left
 * open, and fences it; only then does it read the progress, which therefore says exactly what was
 * copied. Each dead letter is copied at most once, whatever the selection of the run that copied
 * it; one that fails again is a new dead letter, and can be replayed in its turn.
 */
public final class DeadLetterReplay {

    /** What a run did. */
    public record Result(long selected, long copied, long alreadyReplayed, Map<String, Long> notReplayable,
                         Map<String, Long> byDestination, Duration took, String runId) {
    }

    /** Reported while it runs, at most every few seconds. */
    public interface Progress {
        void copiedSoFar(long copied);
    }

    private final DeadLetterKafka kafka;
    private final DeadLetterSource source;
    private final Selection selection;
    private final String progressTopic;
    private final int batchSize;
    private final int perSecond;
    private final boolean dryRun;
    private final Progress progress;

    /**
     * @param perSecond at most this many copies a second (0: as fast as the producer goes)
     * @param dryRun    read and count only: no producer, no transaction, nothing written
     */
    public DeadLetterReplay(DeadLetterKafka kafka, DeadLetterSource source, Selection selection, String progressTopic, int batchSize,
                            int perSecond, boolean dryRun, Progress progress) {
        this.kafka = kafka;
        this.source = source;
        this.selection = selection;
        this.progressTopic = progressTopic;
        this.batchSize = batchSize;
        this.perSecond = perSecond;
        this.dryRun = dryRun;
        this.progress = progress;
    }

    /** The transactional id of every replay of this dead-letter topic. */
    public static String transactionalId(String deadLetterTopic) {
        return "twin-egress-dlq-replay-" + deadLetterTopic;
    }

    public Result run() {
        long started = System.nanoTime();
        String runId = UUID.randomUUID().toString();
        Instant at = Instant.now();
        Optional<List<TopicPartition>> partitions = kafka.partitions(source.topic());
        if (partitions.isEmpty()) {
            return new Result(0, 0, 0, Map.of(), Map.of(), Duration.ZERO, runId);
        }
        KafkaProducer<byte[], byte[]> producer = null;
        try {
            if (!dryRun) {
                kafka.ensureProgressTopic(progressTopic);
                producer = kafka.transactionalProducer(transactionalId(source.topic()));
                // Aborts and fences what an earlier run of this topic left open, before the progress is read.
                producer.initTransactions();
            }
            Map<Integer, ReplayedOffsets> replayed = new HashMap<>(kafka.replayed(progressTopic, source.topic()));
            kafka.logStart(partitions.get()).forEach((tp, start) -> replayed.computeIfAbsent(tp.partition(), p -> new ReplayedOffsets())
                    .forgetBelow(start));
            Run run = new Run(producer, replayed, runId, at, started);
            kafka.scan(source.topic(), partitions.get(), run::consider);
            run.flush();
            return new Result(run.selected, run.copied, run.already, run.notReplayable, run.byDestination,
                    Duration.ofNanos(System.nanoTime() - started), runId);
        } catch (ProducerFencedException e) {
            throw fenced(e);
        } finally {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
        }
    }

    private KafkaUnavailableException fenced(Exception e) {
        return new KafkaUnavailableException("another replay of " + source.topic() + " started and took over (this one was fenced): "
                + "what this one committed stays, the other goes on from there", e);
    }

    /** One copy waiting for its batch's transaction. */
    private record Copy(int partition, long offset, ProducerRecord<byte[], byte[]> record) {
    }

    private final class Run {
        final KafkaProducer<byte[], byte[]> producer;
        final Map<Integer, ReplayedOffsets> replayed;
        final String runId;
        final byte[] at;
        final long started;
        final List<Copy> pending = new ArrayList<>();
        final Map<String, Long> notReplayable = new TreeMap<>();
        final Map<String, Long> byDestination = new TreeMap<>();
        final Map<String, Boolean> destinationExists = new HashMap<>();
        long selected;
        long copied;
        long already;
        long reportedAt;

        Run(KafkaProducer<byte[], byte[]> producer, Map<Integer, ReplayedOffsets> replayed, String runId, Instant at, long started) {
            this.producer = producer;
            this.replayed = replayed;
            this.runId = runId;
            this.at = Instants.format(at).getBytes(StandardCharsets.UTF_8);
            this.started = started;
            this.reportedAt = started;
        }

        void consider(ConsumerRecord<byte[], byte[]> r) {
            DeadLetter d = DeadLetter.of(source, r);
            if (!selection.matches(d)) {
                return;
            }
            selected++;
            ReplayedOffsets done = replayed.computeIfAbsent(r.partition(), p -> new ReplayedOffsets());
            if (done.contains(r.offset())) {
                already++;
                return;
            }
            String destination = source.destination(r.headers());
            if (destination == null) {
                refuse("the headers do not say which topic it came from");
                return;
            }
            if (!destinationExists.computeIfAbsent(destination, t -> kafka.partitions(t).isPresent())) {
                refuse("topic " + destination + " does not exist");
                return;
            }
            byte[] key = r.key();
            byte[] value = r.value();
            Headers original = r.headers();
            long timestamp = r.timestamp();
            if (value == null) {
                if (!d.valueLeftOut()) {
                    refuse("a tombstone (no value): there is nothing to deliver");
                    return;
                }
                // The router left the value out (too large): the input record still has it, while retention keeps it.
                Optional<ConsumerRecord<byte[], byte[]>> input = d.origin() == null ? Optional.empty() : kafka.fetch(d.origin());
                if (input.isEmpty()) {
                    refuse("its value was left out (too large) and the input record is past retention");
                    return;
                }
                key = input.get().key();
                value = input.get().value();
                original = input.get().headers();
                timestamp = input.get().timestamp();
            }
            pending.add(new Copy(r.partition(), r.offset(), new ProducerRecord<>(destination, null, timestamp, key, value,
                    headers(original, d))));
            byDestination.merge(destination, 1L, Long::sum);
            if (pending.size() >= batchSize) {
                flush();
            }
        }

        /** The original headers without the dead-letter writer's or an earlier replay's, then this replay's lineage. */
        Headers headers(Headers original, DeadLetter d) {
            RecordHeaders out = new RecordHeaders();
            for (Header h : original) {
                if (!source.writersOwn(h.key()) && !h.key().startsWith(DeadLetterHeaders.REPLAY_PREFIX)) {
                    out.add(h);
                }
            }
            out.add(DeadLetterHeaders.REPLAY_RUN, runId.getBytes(StandardCharsets.UTF_8));
            out.add(DeadLetterHeaders.REPLAY_AT, at);
            out.add(DeadLetterHeaders.REPLAY_DEAD_LETTER_TOPIC, source.topic().getBytes(StandardCharsets.UTF_8));
            out.add(DeadLetterHeaders.REPLAY_DEAD_LETTER_PARTITION, Integer.toString(d.record().partition()).getBytes(StandardCharsets.UTF_8));
            out.add(DeadLetterHeaders.REPLAY_DEAD_LETTER_OFFSET, Long.toString(d.record().offset()).getBytes(StandardCharsets.UTF_8));
            out.add(DeadLetterHeaders.REPLAY_REASON, d.reason().getBytes(StandardCharsets.UTF_8));
            return out;
        }

        void refuse(String why) {
            notReplayable.merge(why, 1L, Long::sum);
        }

        void flush() {
            if (pending.isEmpty()) {
                return;
            }
            pace();
            if (dryRun) {
                copied += pending.size();
                pending.clear();
                return;
            }
            Map<Integer, ReplayedOffsets> touched = new LinkedHashMap<>();
            try {
                producer.beginTransaction();
                for (Copy c : pending) {
                    producer.send(c.record());
                    ReplayedOffsets offsets = replayed.get(c.partition());
                    offsets.add(c.offset());
                    touched.put(c.partition(), offsets);
                }
                long now = System.currentTimeMillis();
                touched.forEach((partition, offsets) -> producer.send(new ProducerRecord<>(progressTopic,
                        ReplayedOffsets.key(source.topic(), partition).getBytes(StandardCharsets.UTF_8),
                        offsets.toBytes(source.topic(), partition, now))));
                producer.commitTransaction();
            } catch (ProducerFencedException e) {
                throw fenced(e);
            } catch (KafkaException e) {
                try {
                    producer.abortTransaction();
                } catch (KafkaException ignored) {
                    // the run stops either way; the next one starts from what committed
                }
                throw new KafkaUnavailableException("Kafka failed while copying a batch (" + e.getClass().getSimpleName() + " "
                        + e.getMessage() + "); nothing of that batch was kept: run the replay again to go on", e);
            }
            copied += pending.size();
            pending.clear();
            long now = System.nanoTime();
            if (now - reportedAt > 5_000_000_000L) {
                progress.copiedSoFar(copied);
                reportedAt = now;
            }
        }

        /** Keeps the copies at or under {@code perSecond}. */
        void pace() {
            if (perSecond <= 0) {
                return;
            }
            long due = started + (long) ((copied + pending.size()) * 1_000_000_000.0 / perSecond);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new KafkaUnavailableException("interrupted", e);
                }
            }
        }
    }
}
