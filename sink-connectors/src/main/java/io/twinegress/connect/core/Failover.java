package io.twinegress.connect.core;

import io.twinegress.connect.auth.AuthMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which credential the task sends with, and what the endpoint refusing it means.
 *
 * <ul>
 *   <li>With keys ({@link KeyRing}): switch to the other key and re-send at once; both refused (or
 *       no secondary) → back off. One WARN line per switch outside a backoff; during one, each round
 *       tries both keys quietly (DEBUG).</li>
 *   <li>With an identity ({@code auth.mode=entra-id}, {@link IdentityRefusals}): there is no other
 *       key. A new token once (a new sender), then hold and back off with the identity and the role
 *       it needs as the reason.</li>
 *   <li>The first delivery after a refusal says, once, how long after it the task delivers again.</li>
 * </ul>
 * Closing and opening senders is the caller's: {@link Decision#newSender} says when. Logs under the
 * delivery engine's name, as the engine did before this was split from it. Task thread only.
 */
final class Failover {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryEngine.class);

    /**
     * What to do after a refusal.
     *
     * @param retryNow    re-send at once; else back off with {@code backOffWith}
     * @param newSender   close the sender first: the next attempt opens one for the credential now in use
     * @param backOffWith the failure the backoff names (null when {@code retryNow})
     */
    record Decision(boolean retryNow, boolean newSender, Failure backOffWith) {
    }

    private final String name;
    private final Clock clock;
    private final DeliveryMetrics metrics;
    private final KeyRing ring;
    /** With {@code auth.mode=entra-id}: what a refused token means; null with keys. */
    private final IdentityRefusals identity;
    /** When the credential in use was last refused; cleared by the next successful delivery. */
    private Instant refusedAt;

    /** The failover {@code config} asks for: keys (with or without a secondary), or an identity. */
    static Failover of(DeliveryConfig config, Clock clock, DeliveryMetrics metrics) {
        IdentityRefusals identity = config.authMode() == AuthMode.ENTRA_ID
            ? new IdentityRefusals(config.entra().identity(), config.entraRole(), config.entraTarget()) : null;
        if (identity != null) {
            metrics.authMode(AuthMode.ENTRA_ID.value());
        }
        return new Failover(config.connectorName(), clock, metrics, new KeyRing(config.secondaryConnectionString().isPresent()),
            identity);
    }

    /** @param identity what a refused token means, with {@code auth.mode=entra-id}; null with keys */
    Failover(String name, Clock clock, DeliveryMetrics metrics, KeyRing ring, IdentityRefusals identity) {
        this.name = name;
        this.clock = clock;
        this.metrics = metrics;
        this.ring = ring;
        this.identity = identity;
    }

    /** The key a new sender opens with (with an identity, always the primary slot). */
    KeySlot activeKey() {
        return ring.active();
    }

    /**
     * The endpoint refused the credential in use with {@code f} ({@link Outcome#UNAUTHORIZED}).
     *
     * @param loud whether a key switch is logged at WARN (not during a backoff: its own line said so)
     */
    Decision refused(Failure f, boolean loud) {
        return identity != null ? identityRefused(f, loud) : keyRefused(f, loud);
    }

    private Decision keyRefused(Failure f, boolean loud) {
        KeySlot from = ring.active();
        if (refusedAt == null) {
            refusedAt = clock.instant();
        }
        KeyRing.Decision decision = ring.refused();
        KeySlot to = ring.active();
        boolean retryNow = decision == KeyRing.Decision.RETRY_NOW;
        if (from != to) {
            logAt(loud, "{}: the endpoint refused the {} key ({}); switching to the {} key{}", name, from, f.reason(), to,
                retryNow ? " and re-sending now" : "; both keys refused, backing off");
            metrics.recordFailover(to);
        } else {
            logAt(loud, "{}: the endpoint refused the {} key ({}) and no secondary key is configured; backing off",
                name, from, f.reason());
        }
        return new Decision(retryNow, from != to, retryNow ? null : f);
    }

    /**
     * A refused token ({@link IdentityRefusals}): a new sender either way, so the next attempt (now,
     * or after the backoff) builds its credential anew and so gets a new token.
     */
    private Decision identityRefused(Failure f, boolean loud) {
        if (identity.refused(f) != IdentityRefusals.Decision.RETRY_NOW) {
            return new Decision(false, true, Failure.of(Outcome.UNAUTHORIZED, identity.holdReason(f), f.cause()));
        }
        if (refusedAt == null) {
            refusedAt = clock.instant();
        }
        logAt(loud, "{}: the endpoint refused the token of the {} ({}); getting a new token and re-sending",
            name, identity.identity(), f.reason());
        return new Decision(true, true, null);
    }

    /** What the task authenticates with, for its log lines: the key in use, or the identity. */
    String credential() {
        return identity != null ? "the " + identity.identity() : "the " + ring.active() + " key";
    }

    /** A delivery went through: the next refusal starts a new round; the first after a refusal is logged. */
    void succeeded() {
        ring.succeeded();
        if (identity != null) {
            identity.succeeded();
        }
        if (refusedAt != null) {
            if (identity != null) {
                LOG.info("{}: delivering with the {}, {} ms after the endpoint refused its token",
                    name, identity.identity(), Duration.between(refusedAt, clock.instant()).toMillis());
            } else {
                LOG.info("{}: delivering with the {} key, {} ms after the endpoint refused a key",
                    name, ring.active(), Duration.between(refusedAt, clock.instant()).toMillis());
            }
            refusedAt = null;
        }
    }

    private static void logAt(boolean warn, String format, Object... args) {
        if (warn) {
            LOG.warn(format, args);
        } else {
            LOG.debug(format, args);
        }
    }
}
