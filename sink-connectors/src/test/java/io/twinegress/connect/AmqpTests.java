package io.twinegress.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.emulators.StandIn;
import io.twinegress.emulators.amqp.ReceivedMessage;
import io.twinegress.schemas.EgressHeaders;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/** What the AMQP sender tests share: stopping their stand-in, and the per-key batching they assert. */
public final class AmqpTests {

    private AmqpTests() {
    }

    /** Stops a class's stand-in (null: it never started): fails when one of its handlers threw, closes it either way. */
    public static void stop(StandIn<?> standIn) {
        if (standIn == null) {
            return;
        }
        try {
            standIn.assertNoHandlerErrors();
        } finally {
            standIn.close();
        }
    }

    /**
     * Each transfer (one batch) holds at most {@code maxRecords} messages of one partition key, the one
     * {@code expectedKey} gives for the record offset in the message's source-offset header; a key's
     * messages arrive in offset order.
     *
     * @return the transfers, in arrival order
     */
    public static List<List<ReceivedMessage>> assertOneKeyPerBatchInOrder(List<ReceivedMessage> got, int maxRecords,
                                                                         IntFunction<String> expectedKey) {
        Map<Long, List<ReceivedMessage>> byTransfer = new LinkedHashMap<>();
        got.forEach(m -> byTransfer.computeIfAbsent(m.transferId(), t -> new ArrayList<>()).add(m));
        Map<String, Integer> lastSeq = new HashMap<>();
        for (List<ReceivedMessage> transfer : byTransfer.values()) {
            assertTrue(transfer.size() <= maxRecords, "batch.max.records");
            String key = transfer.get(0).partitionKey();
            for (ReceivedMessage m : transfer) {
                assertEquals(key, m.partitionKey(), "one partition key per batch");
                int seq = Integer.parseInt(m.property(EgressHeaders.SOURCE_OFFSET));
                assertEquals(expectedKey.apply(seq), m.partitionKey(), "offset " + seq);
                Integer before = lastSeq.put(String.valueOf(key), seq);
                assertTrue(before == null || before < seq, "order per key: " + before + " then " + seq);
            }
        }
        return List.copyOf(byTransfer.values());
    }
}
