package io.twinegress.connect.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.testing.kafka.TestLogs;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a refused credential means, alone: the other key, a new token, or a backoff; and the lines that say so. */
class FailoverTest {

    static final Failure REFUSED = Failure.of(Outcome.UNAUTHORIZED, "UNAUTHORIZED: InvalidSignature", null);
    static final String IDENTITY = "identity 5e1f-b2 (client-secret)";

    final MutableClock clock = new MutableClock();
    final DeliveryMetrics metrics = new DeliveryMetrics(clock::millis);

    Failover keys(boolean secondary) {
        return new Failover("fo-test", clock, metrics, new KeyRing(secondary), null);
    }

    Failover identity() {
        return new Failover("fo-test", clock, metrics, new KeyRing(false),
            new IdentityRefusals(IDENTITY, "Azure Service Bus Data Sender", "ns/orders"));
    }

    static long lines(long mark, String text) {
        return TestLogs.readSince(mark).lines().filter(l -> l.contains(text)).count();
    }

    @Test
    void aRefusedKeySwitchesToTheOtherAndReSendsWithANewSenderThenBothRefusedBackOff() {
        Failover f = keys(true);
        long mark = TestLogs.mark();
        assertEquals(new Failover.Decision(true, true, null), f.refused(REFUSED, true));
        assertEquals(KeySlot.SECONDARY, f.activeKey());
        assertEquals(1, metrics.failovers());
        assertEquals(KeySlot.SECONDARY, metrics.activeKey());
        assertEquals(1, lines(mark, "fo-test: the endpoint refused the primary key (UNAUTHORIZED: InvalidSignature); "
            + "switching to the secondary key and re-sending now"));

        Failover.Decision d = f.refused(REFUSED, true);
        assertFalse(d.retryNow());
        assertTrue(d.newSender(), "the ring switched back: the attempt after the backoff opens the primary");
        assertSame(REFUSED, d.backOffWith());
        assertEquals(KeySlot.PRIMARY, f.activeKey());
        assertEquals(1, lines(mark, "switching to the primary key; both keys refused, backing off"));
        assertEquals("the primary key", f.credential());
    }

    @Test
    void duringABackoffTheSwitchesAreQuiet() {
        Failover f = keys(true);
        long mark = TestLogs.mark();
        f.refused(REFUSED, false);
        f.refused(REFUSED, false);
        assertEquals(0, lines(mark, "fo-test:"));
        assertEquals(2, metrics.failovers(), "counted all the same");
    }

    @Test
    void withoutASecondaryEveryRefusalBacksOffOnTheSameKeyAndSender() {
        Failover f = keys(false);
        long mark = TestLogs.mark();
        assertEquals(new Failover.Decision(false, false, REFUSED), f.refused(REFUSED, true));
        assertEquals(KeySlot.PRIMARY, f.activeKey());
        assertEquals(0, metrics.failovers());
        assertEquals(1, lines(mark, "fo-test: the endpoint refused the primary key (UNAUTHORIZED: InvalidSignature) "
            + "and no secondary key is configured; backing off"));
    }

    @Test
    void theFirstDeliveryAfterARefusalSaysHowLongItTookOnce() {
        Failover f = keys(true);
        f.refused(REFUSED, true);
        clock.advance(Duration.ofMillis(250));
        long mark = TestLogs.mark();
        f.succeeded();
        f.succeeded();
        assertEquals(1, lines(mark, "fo-test: delivering with the secondary key, 250 ms after the endpoint refused a key"));
        assertEquals(new Failover.Decision(true, true, null), f.refused(REFUSED, true), "a new round: the other key at once");
    }

    @Test
    void aRefusedTokenGetsANewTokenOnceThenBacksOffNamingTheRoleUntilADelivery() {
        Failover f = identity();
        long mark = TestLogs.mark();
        assertEquals(new Failover.Decision(true, true, null), f.refused(REFUSED, true));
        assertEquals(1, lines(mark, "fo-test: the endpoint refused the token of the " + IDENTITY + " (UNAUTHORIZED: InvalidSignature); "
            + "getting a new token and re-sending"));

        Failover.Decision d = f.refused(REFUSED, true);
        assertFalse(d.retryNow());
        assertTrue(d.newSender(), "the attempt after the backoff gets a new token too");
        assertEquals(Outcome.UNAUTHORIZED, d.backOffWith().outcome());
        assertEquals("the endpoint refuses the " + IDENTITY + " even with a new token: it needs the role "
            + "'Azure Service Bus Data Sender' on ns/orders; the endpoint said: UNAUTHORIZED: InvalidSignature", d.backOffWith().reason());
        assertEquals("the " + IDENTITY, f.credential());
        assertEquals(KeySlot.PRIMARY, f.activeKey());
        assertEquals(0, metrics.failovers(), "no key to fail over to");

        clock.advance(Duration.ofMillis(40));
        f.succeeded();
        assertEquals(1, lines(mark, "fo-test: delivering with the " + IDENTITY + ", 40 ms after the endpoint refused its token"));
        assertTrue(f.refused(REFUSED, true).retryNow(), "after a delivery: a new token first again");
    }

    @Test
    void aForbiddenIdentityBacksOffAtOnce() {
        Failover f = identity();
        Failure forbidden = FailureClassifier.classify(new EndpointHttpException(403, "Forbidden", Optional.empty()));
        Failover.Decision d = f.refused(forbidden, true);
        assertFalse(d.retryNow(), "the token is good, the role is missing: a new token would not help");
        assertTrue(d.backOffWith().reason().contains("needs the role"));
        assertNull(new Failover.Decision(true, true, null).backOffWith());
    }
}
