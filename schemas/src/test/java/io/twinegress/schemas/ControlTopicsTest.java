package io.twinegress.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ControlTopicsTest {

    @Test
    void onlyCompactAloneIsAccepted() {
        assertEquals(Optional.empty(), ControlTopics.notCompacted("twin.endpoints", "compact"));
        assertEquals(Optional.empty(), ControlTopics.notCompacted("twin.endpoints", " compact "));
        for (String policy : new String[] {"delete", "compact,delete", "delete,compact", "", null}) {
            String problem = ControlTopics.notCompacted("twin.endpoints.status", policy).orElseThrow(() -> new AssertionError(policy));
            assertTrue(problem.startsWith("Topic twin.endpoints.status has cleanup.policy="), problem);
            assertTrue(problem.contains("it must be cleanup.policy=compact"), problem);
        }
    }
}
