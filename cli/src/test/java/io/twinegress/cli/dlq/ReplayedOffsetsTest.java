package io.twinegress.cli.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayedOffsetsTest {

    static String ranges(ReplayedOffsets r) {
        return r.ranges().stream().map(a -> "[" + a[0] + "," + a[1] + ")").toList().toString();
    }

    @Test
    void offsetsMergeIntoRangesWhatEverOrderTheyCome() {
        ReplayedOffsets r = new ReplayedOffsets();
        for (long o : List.of(5L, 7L, 6L, 1L, 2L, 9L, 3L, 2L)) {
            r.add(o);
        }
        assertEquals("[[1,4), [5,8), [9,10)]", ranges(r));
        assertTrue(r.contains(1) && r.contains(3) && r.contains(7) && r.contains(9));
        assertFalse(r.contains(0) || r.contains(4) || r.contains(8) || r.contains(10));
        r.add(4);
        r.add(8);
        assertEquals("[[1,10)]", ranges(r));
    }

    @Test
    void whatRetentionDeletedIsForgottenAndTheRecordReadsBack() {
        ReplayedOffsets r = new ReplayedOffsets();
        for (long o : List.of(1L, 2L, 3L, 10L, 11L)) {
            r.add(o);
        }
        r.forgetBelow(3);
        assertEquals("[[3,4), [10,12)]", ranges(r));
        ReplayedOffsets back = ReplayedOffsets.fromBytes(r.toBytes("t.dlq", 0, 1L));
        assertEquals(ranges(r), ranges(back));
        assertThrows(IllegalArgumentException.class, () -> ReplayedOffsets.fromBytes("{}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("twin.egress.a.dlq/2", ReplayedOffsets.key("twin.egress.a.dlq", 2));
    }
}
