package io.twinegress.connect.core;

import static io.twinegress.connect.core.KeyRing.Decision.BACK_OFF;
import static io.twinegress.connect.core.KeyRing.Decision.RETRY_NOW;
import static io.twinegress.connect.core.KeySlot.PRIMARY;
import static io.twinegress.connect.core.KeySlot.SECONDARY;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KeyRingTest {

    @Test
    void refusedPrimarySwitchesToSecondaryAtOnceAndKeepsIt() {
        KeyRing ring = new KeyRing(true);
        assertEquals(PRIMARY, ring.active());
        assertEquals(RETRY_NOW, ring.refused());
        assertEquals(SECONDARY, ring.active());
        ring.succeeded();
        assertEquals(SECONDARY, ring.active(), "the working key stays active");
    }

    @Test
    void refusedSecondarySwitchesBackToPrimary() {
        KeyRing ring = new KeyRing(true);
        ring.refused();
        ring.succeeded();
        assertEquals(RETRY_NOW, ring.refused());
        assertEquals(PRIMARY, ring.active());
    }

    @Test
    void bothRefusedBacksOffAndTheNextRoundTriesBothAgain() {
        KeyRing ring = new KeyRing(true);
        assertEquals(RETRY_NOW, ring.refused());
        assertEquals(BACK_OFF, ring.refused());
        assertEquals(PRIMARY, ring.active(), "after the backoff, start again with the key not tried last");
        assertEquals(RETRY_NOW, ring.refused());
        assertEquals(SECONDARY, ring.active());
        assertEquals(BACK_OFF, ring.refused());
        assertEquals(PRIMARY, ring.active(), "every refusal switched: four switches, back where it started");
    }

    @Test
    void withoutSecondaryEveryRefusalBacksOffOnThePrimary() {
        KeyRing ring = new KeyRing(false);
        assertEquals(BACK_OFF, ring.refused());
        assertEquals(PRIMARY, ring.active());
        assertEquals(BACK_OFF, ring.refused());
        assertEquals(PRIMARY, ring.active(), "never a switch");
    }
}
