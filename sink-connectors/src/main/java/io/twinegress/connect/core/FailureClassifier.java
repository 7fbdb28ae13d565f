package io.twinegress.connect.core;

import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpResponse;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusFailureReason;

import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where a failure becomes an {@link Outcome}. Every connector's sender lets SDK and
 * HTTP failures propagate; the delivery core calls {@link #classify(Throwable)} once per failure.
 *
 * <p>Sources, checked from the outermost exception inwards:
 * <ul>
 *   <li>Service Bus: {@link ServiceBusException#getReason()} (then {@code isTransient()});</li>
 *   <li>Event Hubs and raw AMQP: {@link AmqpException#getErrorCondition()} (then {@code isTransient()});
 *       a refusal of what a transfer carried (size, argument errors, {@code amqp:invalid-field},
 *       {@code amqp:decode-error}) is {@link Outcome#RECORD_REJECTED};</li>
 *   <li>HTTP (Event Grid): the status of an azure-core {@link HttpResponseException} or of our
 *       {@link EndpointHttpException}, with {@code Retry-After};</li>
 *   <li>{@link RecordRejectedException}: a record the sender itself found undeliverable;</li>
 *   <li>I/O and timeouts: transient.</li>
 * </ul>
 * Anything not recognised is {@link Outcome#FATAL}: the task fails with the cause attached rather
 * than retrying blindly (no record is committed, so nothing is lost).
 *
 * <p>Reasons are built from error codes and the SDK's short messages, which name the namespace
 * and entity but never a key.
 */
public final class FailureClassifier {

    private static final Set<AmqpErrorCondition> AMQP_TRANSIENT = EnumSet.of(
        AmqpErrorCondition.SERVER_BUSY_ERROR,
        AmqpErrorCondition.TIMEOUT_ERROR,
        AmqpErrorCondition.RESOURCE_LIMIT_EXCEEDED,
        AmqpErrorCondition.INTERNAL_ERROR,
        AmqpErrorCondition.CONNECTION_FORCED,
        AmqpErrorCondition.CONNECTION_FRAMING_ERROR,
        AmqpErrorCondition.CONNECTION_REDIRECT,
        AmqpErrorCondition.LINK_DETACH_FORCED,
        AmqpErrorCondition.LINK_REDIRECT,
        AmqpErrorCondition.LINK_STOLEN,
        AmqpErrorCondition.PROTON_IO,
        AmqpErrorCondition.OPERATION_CANCELLED,
        AmqpErrorCondition.ENTITY_DISABLED_ERROR,
        AmqpErrorCondition.PARTITION_NOT_OWNED_ERROR);

    /**
     * AMQP errors about what a transfer carried: the records of a refused request are at fault, so
     * the core splits it and dead-letters the record refused alone.
     */
    private static final Set<AmqpErrorCondition> AMQP_RECORD = EnumSet.of(
        AmqpErrorCondition.LINK_PAYLOAD_SIZE_EXCEEDED,
        AmqpErrorCondition.ARGUMENT_ERROR,
        AmqpErrorCondition.ARGUMENT_OUT_OF_RANGE_ERROR);
    /**
     * The same for AMQP's own conditions the SDK has no constant for: it reports them as an
     * AmqpException without a condition, whose message starts {@code errorCondition[<condition>]}.
     */
    private static final Set<String> AMQP_RECORD_NAMES = Set.of("amqp:invalid-field", "amqp:decode-error");
    private static final Pattern AMQP_CONDITION_IN_MESSAGE = Pattern.compile("errorCondition\\[([^\\]]+)]");

    private static final HttpHeaderName RETRY_AFTER_MS = HttpHeaderName.fromString("retry-after-ms");

    private FailureClassifier() {
    }

    /** Classifies a failure. Never returns null. */
    public static Failure classify(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            Optional<Failure> f = classifyOne(t, failure);
            if (f.isPresent()) {
                return f.get();
            }
        }
        return Failure.of(Outcome.FATAL, describe(failure), failure);
    }

    private static Optional<Failure> classifyOne(Throwable t, Throwable root) {
        if (t instanceof RecordRejectedException) {
            return Optional.of(Failure.of(Outcome.RECORD_REJECTED, t.getMessage(), root));
        }
        if (t instanceof ServiceBusException sb) {
            return classifyServiceBus(sb, root);
        }
        if (t instanceof AmqpException amqp) {
            return classifyAmqp(amqp, root);
        }
        if (t instanceof EndpointHttpException http) {
            if (http.isRequestRefused()) {
                return Optional.of(Failure.of(Outcome.FATAL, t.getMessage()
                    + " (the endpoint refuses the request itself, not a record in it: check the connector's configuration)", root));
            }
            return Optional.of(classifyHttpStatus(http.status(), http.retryAfter(), t.getMessage(), root));
        }
        if (t instanceof ClientAuthenticationException) {
            // an identity's token could not be had (a wrong secret, an unknown client id, no managed
            // identity here): refused like a key, so held and retried, never dead-lettered
            return Optional.of(Failure.of(Outcome.UNAUTHORIZED, describe(t), root));
        }
        if (t instanceof HttpResponseException http && http.getResponse() != null) {
            HttpResponse response = http.getResponse();
            String message = "HTTP " + response.getStatusCode() + ": " + firstLine(http.getMessage());
            return Optional.of(classifyHttpStatus(response.getStatusCode(),
                retryAfter(response.getHeaders().getValue(RETRY_AFTER_MS), response.getHeaders().getValue(HttpHeaderName.RETRY_AFTER)),
                message, root));
        }
        if (t instanceof IOException || t instanceof TimeoutException) {
            return Optional.of(Failure.of(Outcome.TRANSIENT, describe(t), root));
        }
        return Optional.empty();
    }

    private static Optional<Failure> classifyServiceBus(ServiceBusException e, Throwable root) {
        ServiceBusFailureReason reason = e.getReason();
        String text = reason + ": " + firstLine(e.getMessage());
        if (ServiceBusFailureReason.UNAUTHORIZED.equals(reason)) {
            return Optional.of(Failure.of(Outcome.UNAUTHORIZED, text, root));
        }
        if (ServiceBusFailureReason.MESSAGE_SIZE_EXCEEDED.equals(reason)) {
            return Optional.of(Failure.of(Outcome.RECORD_REJECTED, text, root));
        }
        if (ServiceBusFailureReason.SERVICE_BUSY.equals(reason)
            || ServiceBusFailureReason.SERVICE_TIMEOUT.equals(reason)
            || ServiceBusFailureReason.SERVICE_COMMUNICATION_ERROR.equals(reason)
            || ServiceBusFailureReason.QUOTA_EXCEEDED.equals(reason)
            || ServiceBusFailureReason.MESSAGING_ENTITY_DISABLED.equals(reason)) {
            return Optional.of(Failure.of(Outcome.TRANSIENT, text, root));
        }
        if (ServiceBusFailureReason.MESSAGING_ENTITY_NOT_FOUND.equals(reason)) {
            return Optional.of(Failure.of(Outcome.FATAL, text, root));
        }
        if (e.isTransient()) {
            return Optional.of(Failure.of(Outcome.TRANSIENT, text, root));
        }
        // GENERAL_ERROR and the receive-side reasons: let the cause decide, else fatal.
        return Optional.empty();
    }

    private static Optional<Failure> classifyAmqp(AmqpException e, Throwable root) {
        AmqpErrorCondition condition = e.getErrorCondition();
        String text = (condition == null ? "AMQP error" : condition.getErrorCondition()) + ": " + firstLine(e.getMessage());
        if (condition == AmqpErrorCondition.UNAUTHORIZED_ACCESS || condition == AmqpErrorCondition.PUBLISHER_REVOKED_ERROR) {
            return Optional.of(Failure.of(Outcome.UNAUTHORIZED, text, root));
        }
        if (condition != null && AMQP_RECORD.contains(condition)) {
            return Optional.of(Failure.of(Outcome.RECORD_REJECTED, text, root));
        }
        if (condition == null && e.getMessage() != null) {
            Matcher named = AMQP_CONDITION_IN_MESSAGE.matcher(e.getMessage());
            if (named.find() && AMQP_RECORD_NAMES.contains(named.group(1))) {
                return Optional.of(Failure.of(Outcome.RECORD_REJECTED, firstLine(e.getMessage()), root));
            }
        }
        if (condition != null && AMQP_TRANSIENT.contains(condition)) {
            return Optional.of(Failure.of(Outcome.TRANSIENT, text, root));
        }
        if (condition == AmqpErrorCondition.NOT_FOUND) {
            return Optional.of(Failure.of(Outcome.FATAL, text, root));
        }
        if (e.isTransient()) {
            return Optional.of(Failure.of(Outcome.TRANSIENT, text, root));
        }
        return Optional.empty();
    }

    /**
     * HTTP status to outcome: 401/403 → next key; 408, 429 and 5xx → back off (honouring
     * {@code retryAfter}); 400 and 413 → the request's records are rejected (the core isolates
     * the bad one by splitting); anything else → fatal.
     */
    public static Failure classifyHttpStatus(int status, Optional<Duration> retryAfter, String reason, Throwable cause) {
        if (status == 401 || status == 403) {
            return Failure.of(Outcome.UNAUTHORIZED, reason, cause);
        }
        if (status == 408 || status == 429 || status >= 500) {
            return new Failure(Outcome.TRANSIENT, reason, retryAfter, cause);
        }
        if (status == 400 || status == 413) {
            return Failure.of(Outcome.RECORD_REJECTED, reason, cause);
        }
        return Failure.of(Outcome.FATAL, reason, cause);
    }

    /**
     * Parses the wait hints an Azure endpoint sends: {@code retry-after-ms} (milliseconds), else
     * {@code Retry-After} (delay-seconds or an HTTP date). Unparseable or absent → empty.
     */
    public static Optional<Duration> retryAfter(String retryAfterMs, String retryAfter) {
        try {
            if (retryAfterMs != null && !retryAfterMs.isBlank()) {
                return Optional.of(Duration.ofMillis(Math.max(0, Long.parseLong(retryAfterMs.trim()))));
            }
            if (retryAfter != null && !retryAfter.isBlank()) {
                String v = retryAfter.trim();
                if (v.chars().allMatch(Character::isDigit)) {
                    return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
                }
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + ": " + firstLine(t.getMessage());
    }

    /** The SDK's messages can be long multi-line dumps; one line of at most 300 chars is enough. */
    static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
