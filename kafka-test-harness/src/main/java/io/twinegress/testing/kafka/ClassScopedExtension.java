package io.twinegress.testing.kafka;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A resource a test class registers as a static extension ({@link KafkaBroker}, {@link ConnectWorker}):
 * started before the class's first test, closed after its last; outside JUnit, {@link #start()} and
 * {@link #close()}.
 *
 * <p>JUnit calls {@code beforeAll}/{@code afterAll} again for every {@code @Nested} class inside the
 * one that registered the extension; only the outermost class, the first to arrive, starts the
 * resource, and only it stops it.
 *
 * @param <S> the resource itself, which {@link #start()} returns for chaining
 */
public abstract class ClassScopedExtension<S extends ClassScopedExtension<S>>
        implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    private String ownerContextId;

    /** Starts the resource and waits until it is ready. Idempotent. */
    public abstract S start();

    /** Stops the resource. Idempotent. */
    @Override
    public abstract void close();

    @Override
    public final void beforeAll(ExtensionContext context) {
        if (claim(context)) {
            start();
        }
    }

    @Override
    public final void afterAll(ExtensionContext context) {
        if (release(context)) {
            close();
        }
    }

    /** Whether {@code context} is the first to arrive, and so now owns the resource (start it). */
    private synchronized boolean claim(ExtensionContext context) {
        if (ownerContextId != null) {
            return false;
        }
        ownerContextId = context.getUniqueId();
        return true;
    }

    /** Whether {@code context} is the owner; if so it gives the resource up (stop it). */
    private synchronized boolean release(ExtensionContext context) {
        if (!context.getUniqueId().equals(ownerContextId)) {
            return false;
        }
        ownerContextId = null;
        return true;
    }
}
