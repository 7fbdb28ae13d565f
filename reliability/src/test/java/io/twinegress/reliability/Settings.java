package io.twinegress.reliability;

import java.time.Duration;

/**
 * The knobs of a run, from system properties (the pom sets the short defaults; {@code -P chaos}
 * the long ones; any {@code -Dreliability.*} on the command line wins).
 */
final class Settings {

    /** Run the chaos-only scenarios too. */
    static final boolean CHAOS = Boolean.getBoolean("reliability.chaos");
    /** Events per fault scenario. */
    static final int EVENTS = Integer.getInteger("reliability.events", 300);
    /** Bad events in the fuzz scenario (as many good ones go along). */
    static final int FUZZ = Integer.getInteger("reliability.fuzz.count", 300);
    /** Events per second while a fault happens. */
    static final int RATE = Integer.getInteger("reliability.rate", 100);
    /** How long an outage, a key revocation or a throttling storm lasts. */
    static final Duration OUTAGE = Duration.ofSeconds(Integer.getInteger("reliability.outage.seconds", 4));
    /** kill -9 rounds of the router. */
    static final int ROUTER_KILLS = Integer.getInteger("reliability.router.kills", 2);
    /** Seed of the fuzzer (printed, so a failure can be replayed). */
    static final long SEED = Long.getLong("reliability.seed", System.nanoTime());
    /** How long everything may take to arrive after the last fault ended. */
    static final Duration DELIVERY_DEADLINE = Duration.ofSeconds(Integer.getInteger("reliability.deadline.seconds", 240));

    /** Run the three-broker cluster scenario ({@code ClusterIT}). */
    static final boolean CLUSTER = Boolean.getBoolean("reliability.cluster");
    /** kill -9 rounds of the broker leading most egress partitions. */
    static final int CLUSTER_BROKER_KILLS = Integer.getInteger("reliability.cluster.broker.kills", 1);
    /** How long a killed broker stays down before it restarts. */
    static final Duration CLUSTER_DOWN = Duration.ofSeconds(Integer.getInteger("reliability.cluster.down.seconds", 5));
    /** Also kill -9 one of the two routers and one of the two Connect workers. */
    static final boolean CLUSTER_MEMBER_KILLS = Boolean.parseBoolean(System.getProperty("reliability.cluster.member.kills", "true"));

    private Settings() {
    }

    static String describe() {
        return (CHAOS ? "chaos" : "verify") + ": events " + EVENTS + ", fuzz " + FUZZ + ", rate " + RATE + "/s, outage "
                + OUTAGE.toSeconds() + " s, router kills " + ROUTER_KILLS + ", seed " + SEED;
    }

    static String describeCluster() {
        return "broker kills " + CLUSTER_BROKER_KILLS + ", down " + CLUSTER_DOWN.toSeconds() + " s, router + worker kills "
                + CLUSTER_MEMBER_KILLS;
    }

    static boolean cluster() {
        return CLUSTER;
    }

    static boolean chaos() {
        return CHAOS;
    }
}
