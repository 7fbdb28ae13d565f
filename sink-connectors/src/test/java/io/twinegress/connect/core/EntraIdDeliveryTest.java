package io.twinegress.connect.core;

import static io.twinegress.connect.core.DeliveryEngineTest.current;
import static io.twinegress.connect.core.DeliveryEngineTest.records;
import static io.twinegress.connect.core.DeliveryEngineTest.unauthorized;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.exception.ClientAuthenticationException;
import io.twinegress.connect.servicebus.ServiceBusSinkConfig;
import io.twinegress.testing.kafka.TestLogs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/**
 * The delivery core with a Microsoft Entra ID identity ({@code auth.mode=entra-id}): a refused token
 * is re-acquired once (a new sender, so a new credential and token); refused again, or forbidden,
 * the records are held and the task backs off as with both keys refused, with one line naming the
 * identity and the role it needs; nothing is lost or dead-lettered; no key failover.
 */
class EntraIdDeliveryTest {

    static final TopicPartition P0 = DeliveryEngineTest.P0;
    static final String CLIENT_ID = "5e1f0000-0000-4000-8000-0000000000b2";
    static final String SECRET_CANARY = "CANARY-SECRET-5d1c9e";
    static final String HOLD_LINE = "sb-test: endpoint unavailable";

    final MutableClock clock = new MutableClock();
    final List<String> sent = new ArrayList<>();
    /** Senders opened so far: each one is a new credential, so a new token. */
    int opened;
    /** The endpoint for one request by the sender opened {@code n}-th (1-based): deliver, or throw. */
    BiConsumer<Integer, List<SinkRecord>> endpoint = (n, records) -> { };
    FakeContext context;

    DeliveryEngine engine() {
        Map<String, String> props = new HashMap<>();
        props.put("name", "sb-test");
        props.put(AuthConfig.AUTH_MODE_CONFIG, "entra-id");
        props.put(AuthConfig.NAMESPACE_CONFIG, "contoso.servicebus.windows.net");
        props.put(DeliveryConfig.PATH_CONFIG, "orders");
        props.put(AuthConfig.ENTRA_CREDENTIAL_CONFIG, "client-secret");
        props.put(AuthConfig.ENTRA_CLIENT_ID_CONFIG, CLIENT_ID);
        props.put(AuthConfig.ENTRA_TENANT_ID_CONFIG, "11111111-1111-1111-1111-111111111111");
        props.put(AuthConfig.ENTRA_CLIENT_SECRET_CONFIG, SECRET_CANARY);
        props.put(DeliveryConfig.RETRY_BACKOFF_INITIAL_MS_CONFIG, "100");
        props.put(DeliveryConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "1000");
        props.put(DeliveryConfig.RETRY_BACKOFF_JITTER_CONFIG, "0");
        props.put(DeliveryConfig.ERRORS_TOLERANCE_CONFIG, "all");
        props.put(DeliveryConfig.DLQ_TOPIC_CONFIG, "twin.egress.sb.dlq");
        DeliveryConfig config = new ServiceBusSinkConfig(props);
        context = new FakeContext(Map.of(), true).assign(P0);
        return new DeliveryEngine(config, context, slot -> {
            int n = ++opened;
            return new EndpointSender() {
                @Override
                public void send(List<SinkRecord> records, SendListener listener) {
                    endpoint.accept(n, records);
                    records.forEach(r -> sent.add(n + ":" + r.kafkaOffset()));
                    listener.delivered(records);
                }

                @Override
                public void close() {
                }
            };
        }, clock, () -> 0.0, Runnable::run);
    }

    @Test
    void aRefusedTokenIsAcquiredAgainOnceAndTheRecordsGoWithTheNewOne() {
        endpoint = (n, records) -> {
            if (n == 1) {
                throw unauthorized(); // e.g. a token revoked or expired early
            }
        };
        DeliveryEngine e = engine();
        e.put(records(P0, 0, 3));
        assertEquals(2, opened, "a new sender, with a new credential");
        assertEquals(List.of("2:0", "2:1", "2:2"), sent);
        assertEquals(-1, context.timeout, "no backoff");
        assertEquals("entra-id", e.metrics().activeKeyLabel(), "active-key reports the mode");
        assertEquals(0, e.metrics().failovers(), "no key to fail over to");
        assertEquals(current(P0, 3), e.preCommit(current(P0, 3)));
    }

    @Test
    void refusedAgainWithANewTokenHoldsAndBacksOffWithOneLineNamingTheIdentityAndTheRole() {
        boolean[] granted = {false};
        endpoint = (n, records) -> {
            if (!granted[0]) {
                throw unauthorized();
            }
        };
        DeliveryEngine e = engine();
        long mark = TestLogs.mark();
        e.put(records(P0, 0, 4));
        assertEquals(2, opened, "re-acquired once, then classified");
        assertTrue(e.metrics().backingOff());
        assertEquals(100, context.timeout);
        assertEquals(Set.of(P0), context.paused, "input paused, records held");
        assertEquals(current(P0, 0), e.preCommit(current(P0, 4)), "nothing committed");
        String hold = TestLogs.readSince(mark).lines().filter(l -> l.contains(HOLD_LINE)).findFirst().orElseThrow();
        assertTrue(hold.contains(CLIENT_ID) && hold.contains("'Azure Service Bus Data Sender'")
            && hold.contains("contoso.servicebus.windows.net/orders") && hold.contains("holding 4 records"), hold);

        for (int round = 0; round < 3; round++) { // each retry starts from a new token, quietly
            clock.advance(Duration.ofMillis(1000));
            e.put(List.of());
        }
        assertEquals(5, opened);
        assertEquals(1, DeliveryEngineTest.lines(mark, HOLD_LINE), "one line for the hold");
        assertEquals(1, DeliveryEngineTest.lines(mark, "needs the role"), "the role is named once");

        granted[0] = true; // the role assignment restored
        clock.advance(Duration.ofMillis(1000));
        e.put(List.of());
        assertEquals(List.of("6:0", "6:1", "6:2", "6:3"), sent, "everything, once, in order");
        assertFalse(e.metrics().backingOff());
        assertEquals(Set.of(), context.paused);
        assertEquals(0, e.metrics().deadLettered(), "nothing dead-lettered for auth");
        assertEquals(current(P0, 4), e.preCommit(current(P0, 4)));
        assertEquals(1, DeliveryEngineTest.lines(mark, "sb-test: endpoint accepts records again with the identity " + CLIENT_ID + " (client-secret)"));
        assertFalse(TestLogs.readSince(mark).contains(SECRET_CANARY), "the secret is never logged");
    }

    @Test
    void aForbiddenAnswerIsAMissingRoleAtOnce() {
        endpoint = (n, records) -> {
            throw new EndpointHttpException(403, "Forbidden: the principal lacks EventGrid Data Sender", Optional.empty());
        };
        DeliveryEngine e = engine();
        e.put(records(P0, 0, 2));
        assertEquals(1, opened, "a 403 says the token is good: no new one");
        assertTrue(e.metrics().backingOff());
        assertEquals(2, e.heldRecords());
    }

    @Test
    void aCredentialThatCannotGetATokenHoldsTooNeverFailsTheTask() {
        endpoint = (n, records) -> {
            throw new ClientAuthenticationException("AADSTS7000215: Invalid client secret provided.", null);
        };
        DeliveryEngine e = engine();
        e.put(records(P0, 0, 2));
        assertEquals(2, opened);
        assertTrue(e.metrics().backingOff());
        assertEquals(2, e.heldRecords());
        assertEquals(0, e.metrics().deadLettered());
    }
}
