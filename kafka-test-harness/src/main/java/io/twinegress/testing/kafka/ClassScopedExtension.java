package io.twinegress.testing.kafka;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Which test class owns a static extension ({@link KafkaBroker}, {@link ConnectWorker}).
 * JUnit calls {@code beforeAll}/{@code afterAll} again for every {@code @Nested} class inside
 * the one that registered the extension; only the outermost class, the first to arrive,
 * starts the resource, and only it stops it.
 */
final class ExtensionOwner {

    private String ownerContextId;

    /** Whether {@code context} is the first to arrive, and so now owns the resource (start it). */
    boolean claim(ExtensionContext context) {
        if (ownerContextId != null) {
            return false;
        }
        ownerContextId = context.getUniqueId();
        return true;
    }

    /** Whether {@code context} is the owner; if so it gives the resource up (stop it). */
    boolean release(ExtensionContext context) {
        if (!context.getUniqueId().equals(ownerContextId)) {
            return false;
        }
        ownerContextId = null;
        return true;
    }
}
