package io.twinegress.connect.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

/** No commit passes a dead letter that is not known to be written. */
class DeadLetterWritesTest {

    static final TopicPartition P0 = new TopicPartition("t", 0);
    static final TopicPartition P1 = new TopicPartition("t", 1);

    final DeadLetterWrites writes = new DeadLetterWrites();

    static Map<TopicPartition, OffsetAndMetadata> offsets(long p0, long p1) {
        return Map.of(P0, new OffsetAndMetadata(p0), P1, new OffsetAndMetadata(p1));
    }

    @Test
    void aWriteNotDoneYetHoldsItsPartitionAtTheDeadLetterAndOnlyThatPartition() {
        CompletableFuture<Void> pending = new CompletableFuture<>();
        writes.add(P0, 3, pending);
        writes.add(P0, 5, CompletableFuture.completedFuture(null));
        assertEquals(offsets(3, 9), writes.cap(offsets(10, 9)));
        pending.complete(null);
        assertEquals(offsets(10, 9), writes.cap(offsets(10, 9)), "written: forgotten");
        assertEquals(offsets(10, 9), writes.cap(offsets(10, 9)));
    }

    @Test
    void aFailedWriteRefusesEveryCommitOfItsPartition() {
        writes.add(P1, 7, CompletableFuture.failedFuture(new IllegalStateException("record too large")));
        ConnectException e = assertThrows(ConnectException.class, () -> writes.cap(offsets(10, 9)));
        assertTrue(e.getMessage().contains("t-1@7"), e.getMessage());
        assertThrows(ConnectException.class, () -> writes.cap(offsets(10, 9)), "and again");
        assertEquals(Map.of(P0, new OffsetAndMetadata(10)), writes.cap(Map.of(P0, new OffsetAndMetadata(10))),
            "another partition commits");
    }

    @Test
    void closedPartitionsAreForgotten() {
        writes.add(P1, 7, new CompletableFuture<>());
        writes.close(List.of(P1));
        assertEquals(offsets(10, 9), writes.cap(offsets(10, 9)));
    }
}
