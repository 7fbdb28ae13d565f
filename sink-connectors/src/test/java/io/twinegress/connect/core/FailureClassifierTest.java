package io.twinegress.connect.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.messaging.servicebus.ServiceBusErrorSource;
import com.azure.messaging.servicebus.ServiceBusException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class FailureClassifierTest {

    private static ServiceBusException serviceBus(AmqpErrorCondition condition, boolean transientError) {
        return new ServiceBusException(new AmqpException(transientError, condition, "from the service", null),
            ServiceBusErrorSource.SEND);
    }

    @ParameterizedTest
    @CsvSource({
        "UNAUTHORIZED_ACCESS, false, UNAUTHORIZED",
        "LINK_PAYLOAD_SIZE_EXCEEDED, false, RECORD_REJECTED",
        "SERVER_BUSY_ERROR, true, TRANSIENT",
        "TIMEOUT_ERROR, true, TRANSIENT",
        "RESOURCE_LIMIT_EXCEEDED, false, TRANSIENT",
        "ENTITY_DISABLED_ERROR, false, TRANSIENT",
        "NOT_FOUND, false, FATAL",
        "ARGUMENT_ERROR, false, RECORD_REJECTED",
    })
    void serviceBusByReason(AmqpErrorCondition condition, boolean transientError, Outcome expected) {
        ServiceBusException e = serviceBus(condition, transientError);
        Failure f = FailureClassifier.classify(e);
        assertEquals(expected, f.outcome(), () -> "reason " + e.getReason());
        assertSame(e, f.cause());
        assertTrue(f.reason().contains("from the service"), f.reason());
    }

    @ParameterizedTest
    @CsvSource({
        "UNAUTHORIZED_ACCESS, false, UNAUTHORIZED",
        "PUBLISHER_REVOKED_ERROR, false, UNAUTHORIZED",
        "LINK_PAYLOAD_SIZE_EXCEEDED, false, RECORD_REJECTED",
        "SERVER_BUSY_ERROR, true, TRANSIENT",
        "CONNECTION_FORCED, true, TRANSIENT",
        "PROTON_IO, false, TRANSIENT",
        "NOT_FOUND, false, FATAL",
        "NOT_ALLOWED, false, FATAL",
        "NOT_ALLOWED, true, TRANSIENT",
    })
    void amqpByCondition(AmqpErrorCondition condition, boolean transientError, Outcome expected) {
        assertEquals(expected, FailureClassifier.classify(new AmqpException(transientError, condition, "x", null)).outcome());
    }

    @ParameterizedTest
    @CsvSource({
        "401, UNAUTHORIZED", "403, UNAUTHORIZED",
        "408, TRANSIENT", "429, TRANSIENT", "500, TRANSIENT", "503, TRANSIENT",
        "400, RECORD_REJECTED", "413, RECORD_REJECTED",
        "404, FATAL", "409, FATAL",
    })
    void httpByStatus(int status, Outcome expected) {
        assertEquals(expected, FailureClassifier.classify(new EndpointHttpException(status, "msg", Optional.empty())).outcome());
        assertEquals(expected, FailureClassifier.classify(new HttpResponseException("msg", new Response(status, null), null)).outcome());
    }

    @Test
    void retryAfterComesAlongForThrottling() {
        Failure ours = FailureClassifier.classify(new EndpointHttpException(429, "slow down", Optional.of(Duration.ofSeconds(7))));
        assertEquals(Optional.of(Duration.ofSeconds(7)), ours.retryAfter());
        Failure sdk = FailureClassifier.classify(new HttpResponseException("busy", new Response(503, "12"), null));
        assertEquals(Optional.of(Duration.ofSeconds(12)), sdk.retryAfter());
    }

    @Test
    void retryAfterParsing() {
        assertEquals(Optional.of(Duration.ofMillis(1500)), FailureClassifier.retryAfter("1500", "9"));
        assertEquals(Optional.of(Duration.ofSeconds(9)), FailureClassifier.retryAfter(null, "9"));
        assertEquals(Optional.empty(), FailureClassifier.retryAfter(null, "soon"));
        assertEquals(Optional.empty(), FailureClassifier.retryAfter(null, null));
        assertEquals(Optional.of(Duration.ZERO), FailureClassifier.retryAfter(null, "Wed, 21 Oct 2015 07:28:00 GMT"));
    }

    @Test
    void ioAndTimeoutsAreTransientEvenWhenWrapped() {
        assertEquals(Outcome.TRANSIENT, FailureClassifier.classify(new ConnectException("Connection refused")).outcome());
        assertEquals(Outcome.TRANSIENT, FailureClassifier.classify(new RuntimeException(new TimeoutException("t"))).outcome());
        assertEquals(Outcome.TRANSIENT, FailureClassifier.classify(new IllegalStateException("wrapped", new IOException("reset"))).outcome());
    }

    @Test
    void theOutermostKnownExceptionDecides() {
        RuntimeException wrapped = new RuntimeException("reactor", serviceBus(AmqpErrorCondition.UNAUTHORIZED_ACCESS, false));
        assertEquals(Outcome.UNAUTHORIZED, FailureClassifier.classify(wrapped).outcome());
        assertSame(wrapped, FailureClassifier.classify(wrapped).cause());
    }

    @Test
    void throttlingAfterTheSdksOwnRetriesIsStillTransient() {
        // What the SDKs throw once their own retries on server-busy are exhausted (see AmqpEmulator's javadoc).
        AmqpException busy = new AmqpException(true, AmqpErrorCondition.SERVER_BUSY_ERROR, "server-busy", null);
        ServiceBusException serviceBus = new ServiceBusException(
            new IllegalStateException("Retries exhausted: 1/1", busy), ServiceBusErrorSource.SEND);
        assertEquals("GENERAL_ERROR", serviceBus.getReason().toString());
        assertEquals(Outcome.TRANSIENT, FailureClassifier.classify(serviceBus).outcome());
        assertEquals(Outcome.TRANSIENT, FailureClassifier.classify(reactor.core.Exceptions.retryExhausted("Retries exhausted: 1/1", busy)).outcome());
    }

    /**
     * Per-message refusals the SDK has no constant for reach us as an AmqpException without a
     * condition, the condition in its message ({@code errorCondition[amqp:invalid-field]...}); on
     * its own, Service Bus wraps it (reason GENERAL_ERROR). They are about the records sent: the
     * core isolates the one at fault and dead-letters it.
     */
    @ParameterizedTest
    @CsvSource({"amqp:invalid-field", "amqp:decode-error", "com.microsoft:argument-out-of-range", "com.microsoft:argument-error"})
    void perMessageAmqpRefusalsAreRecordRejections(String condition) {
        AmqpException sdk = condition.startsWith("amqp:")
            ? new AmqpException(false, "errorCondition[" + condition + "]. description[The field is invalid.]", null)
            : new AmqpException(false, AmqpErrorCondition.fromString(condition), "argument", null);
        assertEquals(Outcome.RECORD_REJECTED, FailureClassifier.classify(sdk).outcome(), condition);
        assertEquals(Outcome.RECORD_REJECTED,
            FailureClassifier.classify(new ServiceBusException(sdk, ServiceBusErrorSource.SEND)).outcome(), condition);
        assertTrue(FailureClassifier.classify(sdk).reason().contains(condition), FailureClassifier.classify(sdk).reason());
    }

    @Test
    void ourOwnRejectionAndUnknownFailures() {
        assertEquals(Outcome.RECORD_REJECTED, FailureClassifier.classify(new RecordRejectedException("no value")).outcome());
        assertEquals(Outcome.FATAL, FailureClassifier.classify(new IllegalStateException("bug")).outcome());
        assertEquals(Outcome.FATAL, FailureClassifier.classify(new NullPointerException()).outcome());
    }

    @Test
    void longMessagesAreCutToOneLine() {
        String reason = FailureClassifier.classify(new IllegalStateException("first line\nsecond " + "x".repeat(1000))).reason();
        assertEquals("IllegalStateException: first line", reason);
    }

    /** A minimal azure-core response: status and an optional Retry-After. */
    private static final class Response extends HttpResponse {
        private final int status;
        private final HttpHeaders headers = new HttpHeaders();

        Response(int status, String retryAfter) {
            super(new HttpRequest(HttpMethod.POST, URI.create("http://127.0.0.1/api/events").toString()));
            this.status = status;
            if (retryAfter != null) {
                headers.set(HttpHeaderName.RETRY_AFTER, retryAfter);
            }
        }

        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        @Deprecated
        public String getHeaderValue(String name) {
            return headers.getValue(HttpHeaderName.fromString(name));
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return Flux.empty();
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return Mono.empty();
        }

        @Override
        public Mono<String> getBodyAsString() {
            return Mono.empty();
        }

        @Override
        public Mono<String> getBodyAsString(Charset charset) {
            return Mono.empty();
        }
    }
}
