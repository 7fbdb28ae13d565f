package io.twinegress.connect.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Pausing the input for a backoff, through a context that behaves as the worker's does. */
class PartitionPauserTest {

    static final TopicPartition P0 = new TopicPartition("t", 0);
    static final TopicPartition P1 = new TopicPartition("t", 1);
    static final TopicPartition P2 = new TopicPartition("t", 2);

    final FakeContext context = new FakeContext(Map.of(), false).assign(P0, P1);
    final PartitionPauser pauser = new PartitionPauser(context);

    @Test
    void pausesEveryAssignedPartitionAndResumesThem() {
        pauser.pause();
        assertTrue(pauser.paused());
        assertEquals(Set.of(P0, P1), context.paused);
        pauser.resume();
        assertFalse(pauser.paused());
        assertEquals(Set.of(), context.paused);
    }

    @Test
    void partitionsAssignedWhilePausedArePausedTooAndOnlyThen() {
        pauser.opened(List.of(P2)); // not paused: nothing to do
        assertEquals(Set.of(), context.paused);
        pauser.pause();
        context.revoke(P1);
        context.assign(P2);
        pauser.opened(List.of(P2));
        assertEquals(Set.of(P0, P2), context.paused);
        pauser.resume(); // resumes only what is assigned now (resuming P1 would be refused)
        assertEquals(Set.of(), context.paused);
    }

    @Test
    void resumingWhenNotPausedTouchesNothing() {
        context.pause(P0); // someone else's pause
        pauser.resume();
        assertEquals(Set.of(P0), context.paused);
    }
}
