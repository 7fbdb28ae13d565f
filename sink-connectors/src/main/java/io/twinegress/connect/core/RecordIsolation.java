package io.twinegress.connect.core;

import static io.twinegress.connect.core.HeldRecords.notDone;

import io.twinegress.connect.core.HeldRecords.Held;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Sends that the calling thread waits for, and what follows when the endpoint refuses a request
 * for its records ({@link Outcome#RECORD_REJECTED}): the unsent records of the request are split in
 * halves and sent again, and again, until each record the endpoint refuses is alone. Those refused
 * alone are dead-lettered once the isolation is over ({@link DeadLettering}); the rest are delivered.
 *
 * <p>The backstop: when the endpoint refuses more than one record even alone and accepts none of
 * the records in between, the fault is the requests' (a configuration, a missing property every
 * request needs), not that many bad records. The task fails with the endpoint's answer and nothing
 * is dead-lettered. A single record refused alone is that record's fault and is dead-lettered.
 *
 * <p>Without a dead-letter topic the first record refused alone is held back and nothing after it
 * is sent. Any other failure of a send ends the isolation with that failure; what it found refused
 * until then stays held and is found again on the next attempt. Task thread only.
 */
final class RecordIsolation {

    /** How the isolation sends: as the engine does, waited for within the budget of the call under way. */
    @FunctionalInterface
    interface Sends {
        /**
         * Sends {@code records} (none of them done) and waits for the outcome.
         *
         * @return what the send threw, or null when it returned
         * @throws Exception when the send cannot even start (no time left in this call)
         */
        Exception send(List<Held> records) throws Exception;
    }

    private final String name;
    private final Sends sends;
    /** How many records the endpoint has accepted so far, over every send (what the backstop compares). */
    private final LongSupplier accepted;
    private final DeadLettering deadLetters;

    RecordIsolation(String name, Sends sends, LongSupplier accepted, DeadLettering deadLetters) {
        this.name = name;
        this.sends = sends;
        this.accepted = accepted;
        this.deadLetters = deadLetters;
    }

    /**
     * Sends what of {@code batch} is not done yet, isolating a record-level refusal.
     *
     * @return false when a record was held back for want of a dead-letter topic: nothing after it is sent
     * @throws Exception any other failure of a send, as thrown; a {@link ConnectException} when the task must fail
     */
    boolean send(List<Held> batch) throws Exception {
        return send(batch, null);
    }

    /**
     * Finds the records the endpoint refuses among {@code rest} (the unsent records of a request
     * refused with {@code f}) by sending halves, then each record alone; dead-letters those refused
     * alone and delivers the rest, or fails the task (the class comment's backstop).
     *
     * @return false when a record was held back (no dead-letter topic)
     */
    boolean isolate(List<Held> rest, Failure f) throws Exception {
        Refused refused = new Refused(accepted.getAsLong());
        if (!split(rest, f, refused)) {
            return false;
        }
        refused.finish();
        return true;
    }

    /** {@link #send(List)}, within {@code refused} when an isolation is under way. */
    private boolean send(List<Held> batch, Refused refused) throws Exception {
        List<Held> todo = notDone(batch);
        if (todo.isEmpty()) {
            return true;
        }
        Exception failure = sends.send(todo);
        if (deadLetters.holding()) {
            return false;
        }
        if (failure == null) {
            return true;
        }
        if (failure instanceof ConnectException) {
            throw failure;
        }
        Failure f = FailureClassifier.classify(failure);
        if (f.outcome() != Outcome.RECORD_REJECTED) {
            throw failure;
        }
        return refused == null ? isolate(notDone(todo), f) : split(notDone(todo), f, refused);
    }

    /** One record the endpoint refuses: it is found; more: send each half, isolating further. */
    private boolean split(List<Held> rest, Failure f, Refused refused) throws Exception {
        if (rest.size() == 1) {
            return refused.add(rest.get(0), f);
        }
        if (rest.size() > 1) {
            int mid = rest.size() / 2;
            return send(rest.subList(0, mid), refused) && send(rest.subList(mid, rest.size()), refused);
        }
        return true;
    }

    /** The records one isolation found refused, dead-lettered only once it is over. */
    private final class Refused {
        private final long acceptedBefore;
        private final List<Held> records = new ArrayList<>();
        private final List<String> reasons = new ArrayList<>();
        private Failure last;

        Refused(long acceptedBefore) {
            this.acceptedBefore = acceptedBefore;
        }

        /** Whether the isolation goes on: not when the record is held back (no dead-letter topic). */
        boolean add(Held h, Failure f) {
            if (!deadLetters.available()) {
                deadLetters.holdBack(h, f.reason());
                return false;
            }
            records.add(h);
            reasons.add(f.reason());
            last = f;
            return true;
        }

        void finish() {
            if (records.size() > 1 && accepted.getAsLong() == acceptedBefore) {
                throw new ConnectException(name + ": the endpoint refused every one of the " + records.size()
                    + " records of a request, each again when sent alone (last answer: " + last.reason()
                    + "); that is the endpoint refusing the requests, not " + records.size()
                    + " bad records, so none is dead-lettered: check the connector's configuration", last.cause());
            }
            for (int i = 0; i < records.size(); i++) {
                deadLetters.deadLetter(records.get(i), reasons.get(i), true);
            }
        }
    }
}
