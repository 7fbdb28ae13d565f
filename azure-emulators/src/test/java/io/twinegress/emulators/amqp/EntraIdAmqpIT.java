package io.twinegress.emulators.amqp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.core.credential.TokenCredential;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventDataBatch;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubProducerClient;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusFailureReason;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import io.twinegress.emulators.identity.Credentials;
import io.twinegress.emulators.identity.IdentityProvider;
import io.twinegress.emulators.identity.MsalEnvironment;
import io.twinegress.emulators.identity.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Service Bus and Event Hubs clients, with the real azure-identity credentials, send to the AMQPS
 * stand-in: each credential kind gets a token and sends; a revoked role and an expired token are refused
 * the way the service refuses them.
 */
@Timeout(120)
class EntraIdAmqpIT {

    static final String NAMESPACE = "twinegress-local.servicebus.windows.net";
    static final String MI = "5e1f0000-0000-4000-8000-0000000000a1";
    static final String APP = "5e1f0000-0000-4000-8000-0000000000b2";
    static final String SECRET = "sp-secret-canary-91c2";
    static final String WORKLOAD = "5e1f0000-0000-4000-8000-0000000000c3";
    static final String SUBJECT = "system:serviceaccount:twin-egress:connect";
    /** Only the early-expiry test uses it: its cached tokens stay refused afterwards. */
    static final String EXPIRING = "5e1f0000-0000-4000-8000-0000000000d4";
    static final String EXPIRING_MI = "5e1f0000-0000-4000-8000-0000000000e5";
    static final Duration WAIT = Duration.ofSeconds(20);

    static IdentityProvider idp;
    static AmqpEmulator amqp;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        Credentials.trustStandIns();
        idp = IdentityProvider.builder()
                .managedIdentity(MI).servicePrincipal(APP, SECRET).workloadIdentity(WORKLOAD, SUBJECT)
                .servicePrincipal(EXPIRING, SECRET).assign(EXPIRING, Role.EVENT_HUBS_DATA_SENDER, "*")
                .managedIdentity(EXPIRING_MI).assign(EXPIRING_MI, Role.SERVICE_BUS_DATA_SENDER, "orders")
                .assign(MI, Role.SERVICE_BUS_DATA_SENDER, "*")
                .assign(APP, Role.SERVICE_BUS_DATA_SENDER, "orders")
                .assign(WORKLOAD, Role.EVENT_HUBS_DATA_SENDER, "telemetry")
                .start();
        amqp = AmqpEmulator.builder().tls().identities(idp)
                .serviceBusTopic("orders").serviceBusQueue("jobs").eventHub("telemetry", 2)
                .key("RootManageSharedAccessKey", "cm9vdC1rZXk=")
                .start();
    }

    @AfterAll
    static void stop() {
        amqp.close();
        idp.close();
        MsalEnvironment.reset();
    }

    @BeforeEach
    void fresh() {
        amqp.clear();
    }

    @AfterEach
    void healthy() {
        amqp.assertNoHandlerErrors();
    }

    static ServiceBusSenderClient sender(TokenCredential credential, String topic) {
        return sender(credential, topic, 0);
    }

    static ServiceBusSenderClient sender(TokenCredential credential, String topic, int retries) {
        return new ServiceBusClientBuilder().credential(NAMESPACE, credential)
                .customEndpointAddress(amqp.customEndpointAddress())
                .retryOptions(retryOptions(retries))
                .sender().topicName(topic).buildClient();
    }

    /**
     * The SDK waits at least {@code delay} + 4 s before each retry, and fails with "bound must be greater than
     * origin" when {@code maxDelay} is below that: keep {@code maxDelay} above {@code delay} + 4 s.
     */
    static AmqpRetryOptions retryOptions(int retries) {
        return new AmqpRetryOptions().setMaxRetries(retries).setDelay(Duration.ofMillis(100))
                .setMaxDelay(Duration.ofSeconds(5)).setTryTimeout(Duration.ofSeconds(10));
    }

    /**
     * Sends until the send is refused as UNAUTHORIZED (returned) or a bounded number of attempts is used up.
     * Right after the stand-in cuts a connection, an attempt may still meet the client's closing session and
     * fail with a closed-link error instead; the next one reconnects and meets the put-token answer.
     */
    static ServiceBusException refusedSend(ServiceBusSenderClient s, String messageId) {
        ServiceBusException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            last = assertThrows(ServiceBusException.class, () -> s.sendMessage(new ServiceBusMessage("x").setMessageId(messageId)));
            if (last.getReason() == ServiceBusFailureReason.UNAUTHORIZED) {
                return last;
            }
        }
        return last;
    }

    static EventHubProducerClient producer(TokenCredential credential, String hub) {
        return producer(credential, hub, 0);
    }

    static EventHubProducerClient producer(TokenCredential credential, String hub, int retries) {
        return new EventHubClientBuilder()
                .credential(NAMESPACE, hub, credential)
                .customEndpointAddress(amqp.customEndpointAddress())
                .retryOptions(retryOptions(retries))
                .buildProducerClient();
    }

    @Test
    void managedIdentitySendsToServiceBusOverTls() {
        try (ServiceBusSenderClient s = sender(Credentials.managedIdentity(idp, MI), "orders")) {
            s.sendMessage(new ServiceBusMessage("{\"id\":1}").setMessageId("mi-1"));
        }
        ReceivedMessage m = amqp.awaitCount("orders", 1, WAIT).get(0);
        assertEquals("mi-1", m.messageId());
        assertEquals(MI, m.principal());
        assertNull(m.keyName());
        assertTrue(m.overTls());
        assertTrue(idp.tokensIssued(MI) >= 1, "MSAL caches managed-identity tokens JVM-wide: at least one");
    }

    @Test
    void aTokenCredentialAlsoWorksOverPlainTcpWhenTheConnectionStringNamesTheEmulator() {
        // connectionString(...UseDevelopmentEmulator=true) then credential(token): the builder keeps the
        // emulator flag (plain TCP) and sends the credential's JWT. Production never has the flag: TLS.
        try (ServiceBusSenderClient s = new ServiceBusClientBuilder()
                .connectionString(amqp.connectionString("RootManageSharedAccessKey", "cm9vdC1rZXk="))
                .credential(Credentials.clientSecret(idp, APP, SECRET))
                .retryOptions(SdkClients.retries(0, Duration.ofSeconds(10)))
                .sender().topicName("orders").buildClient()) {
            s.sendMessage(new ServiceBusMessage("p").setMessageId("plain-1"));
        }
        ReceivedMessage m = amqp.awaitCount("orders", 1, WAIT).get(0);
        assertEquals(APP, m.principal());
        assertFalse(m.overTls());
    }

    @Test
    void clientSecretSendsToItsTopicAndIsRefusedElsewhereAsUnauthorized() {
        try (ServiceBusSenderClient s = sender(Credentials.clientSecret(idp, APP, SECRET), "orders")) {
            s.sendMessage(new ServiceBusMessage("x").setMessageId("sp-1"));
        }
        assertEquals(APP, amqp.awaitCount("orders", 1, WAIT).get(0).principal());
        try (ServiceBusSenderClient s = sender(Credentials.clientSecret(idp, APP, SECRET), "jobs")) {
            ServiceBusException e = assertThrows(ServiceBusException.class,
                    () -> s.sendMessage(new ServiceBusMessage("x").setMessageId("sp-2")));
            assertEquals(ServiceBusFailureReason.UNAUTHORIZED, e.getReason(), e.toString());
            assertFalse(e.isTransient());
            assertTrue(e.getMessage().contains("Azure Service Bus Data Sender"), e.getMessage());
        }
        assertEquals(0, amqp.count("jobs"));
    }

    @Test
    void workloadIdentitySendsToEventHubs() {
        Path file = idp.writeFederatedToken(WORKLOAD, dir.resolve("wl-token"));
        try (EventHubProducerClient p = producer(Credentials.workloadIdentity(idp, WORKLOAD, file), "telemetry")) {
            EventDataBatch batch = p.createBatch();
            assertTrue(batch.tryAdd(new EventData("a")));
            assertTrue(batch.tryAdd(new EventData("b")));
            p.send(batch);
        }
        List<ReceivedMessage> got = amqp.awaitCount("telemetry", 2, WAIT);
        assertEquals(WORKLOAD, got.get(0).principal());
    }

    @Test
    void aRevokedRoleCutsTheConnectionAndTheNextSendIsUnauthorizedThenARestoredRoleSendsAgain() {
        try (ServiceBusSenderClient s = sender(Credentials.managedIdentity(idp, MI), "jobs")) {
            s.sendMessage(new ServiceBusMessage("1").setMessageId("r-1"));
            idp.revokeRole(MI, Role.SERVICE_BUS_DATA_SENDER, "*");
            try {
                ServiceBusException e = refusedSend(s, "r-2");
                assertEquals(ServiceBusFailureReason.UNAUTHORIZED, e.getReason(), e.toString());
                assertTrue(e.getMessage().contains("'Send' claim(s) are required"), e.getMessage());
            } finally {
                idp.assignRole(MI, Role.SERVICE_BUS_DATA_SENDER, "*");
            }
            s.sendMessage(new ServiceBusMessage("3").setMessageId("r-3"));
        }
        assertEquals(List.of("r-1", "r-3"), amqp.awaitCount("jobs", 2, WAIT).stream()
                .map(ReceivedMessage::messageId).toList());
    }

    @Test
    void afterAnEarlyExpiryAClientSecretCredentialReconnectsWithAFreshToken() {
        try (EventHubProducerClient p = producer(Credentials.clientSecret(idp, EXPIRING, SECRET), "telemetry", 0)) {
            p.send(List.of(new EventData("before")));
            long issued = idp.tokensIssued(EXPIRING);
            idp.expireIssuedTokens(EXPIRING); // cuts the connection its token authorized
            try {
                p.send(List.of(new EventData("after")));
            } catch (RuntimeException closing) {
                // the first attempt may meet the closing session (an AmqpException in reactor's
                // RetryExhaustedException, not retried by the SDK); the next attempt reconnects
                Throwable cause = closing instanceof AmqpException ? closing : closing.getCause();
                assertTrue(cause instanceof AmqpException && cause.getMessage().contains("closed"), closing.toString());
                p.send(List.of(new EventData("after")));
            }
            assertTrue(idp.tokensIssued(EXPIRING) > issued, "the reconnect fetched a new token");
        }
        assertEquals(2, amqp.awaitCount("telemetry", 2, WAIT).size());
    }

    @Test
    void afterAnEarlyExpiryAManagedIdentityKeepsPresentingItsCachedTokenAndIsRefused() {
        // MSAL caches managed-identity tokens JVM-wide for their lifetime: a token the service refuses early
        // keeps coming back until the caller asks for a fresh one; a client id of its own keeps that cache apart
        try (ServiceBusSenderClient s = sender(Credentials.managedIdentity(idp, EXPIRING_MI), "orders")) {
            s.sendMessage(new ServiceBusMessage("1").setMessageId("x-1"));
            idp.expireIssuedTokens(EXPIRING_MI);
            ServiceBusException e = refusedSend(s, "x-2");
            assertEquals(ServiceBusFailureReason.UNAUTHORIZED, e.getReason(), e.toString());
            assertTrue(e.getMessage().contains("ExpiredToken"), e.getMessage());
        }
        assertEquals(1, amqp.count("orders"));
    }

    @Test
    void shortLivedTokensAreRenewedOnTheOpenConnectionWithNoFailedSend() {
        idp.setTokenLifetime(Duration.ofSeconds(6));
        try (ServiceBusSenderClient s = sender(Credentials.clientSecret(idp, APP, SECRET), "orders")) {
            long before = idp.tokensIssued(APP);
            s.sendMessage(new ServiceBusMessage("1").setMessageId("t-1"));
            Instant firstExpiry = Instant.now().plusSeconds(6);
            // the SDK puts a new token at 90 % of the lifetime; wait for it and past the first one's expiry
            await().atMost(WAIT).until(() -> idp.tokensIssued(APP) >= before + 2 && Instant.now().isAfter(firstExpiry));
            s.sendMessage(new ServiceBusMessage("2").setMessageId("t-2"));
        } finally {
            idp.setTokenLifetime(Duration.ofHours(1));
        }
        assertEquals(List.of("t-1", "t-2"), amqp.awaitCount("orders", 2, WAIT).stream()
                .map(ReceivedMessage::messageId).toList());
    }
}
