package io.twinegress.emulators;

import java.time.Instant;

/** What every stand-in records about one message or event it accepted. */
public interface Received {

    /** When the stand-in accepted it. */
    Instant receivedAt();

    /**
     * The fingerprint of the key that authorized it: compare with {@link StandIn#fingerprint(String)}
     * to tell the primary key from the secondary without handling either.
     */
    String keyFingerprint();
}
