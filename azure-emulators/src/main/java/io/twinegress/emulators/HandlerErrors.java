package io.twinegress.emulators;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a stand-in's protocol handlers caught instead of hanging or dying: logged and recorded here so a
 * test can fail loudly with {@link #assertNone()}. Thread-safe.
 */
public final class HandlerErrors {

    private static final Logger LOG = LoggerFactory.getLogger(HandlerErrors.class);

    private final String standIn;
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();

    /** @param standIn how the stand-in names itself in the log and the assertion message, e.g. {@code "AMQP stand-in"} */
    public HandlerErrors(String standIn) {
        this.standIn = standIn;
    }

    /** Logs and records one caught exception; {@code where} names the handler. */
    public void record(String where, Throwable t) {
        errors.add(t);
        LOG.error("{} handler error in {} (recorded; tests should assert none)", standIn, where, t);
    }

    /** A snapshot, oldest first (should be empty). */
    public List<Throwable> list() {
        return List.copyOf(errors);
    }

    /** @throws AssertionError carrying the first error as cause and the others as suppressed, if any occurred */
    public void assertNone() {
        List<Throwable> caught = list();
        if (!caught.isEmpty()) {
            AssertionError e = new AssertionError(caught.size() + " " + standIn + " handler error(s); first: "
                    + caught.get(0), caught.get(0));
            caught.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }
}
