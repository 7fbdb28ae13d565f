package io.twinegress.bench.connect;

import io.twinegress.emulators.Received;
import io.twinegress.emulators.StandIn;
import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.eventgrid.EventGridEmulator;
import io.twinegress.emulators.identity.IdentityProvider;
import io.twinegress.emulators.identity.Role;
import io.twinegress.emulators.tls.StandInTls;

import java.net.URI;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three targets on the stand-ins (in the suite's JVM, the same for connector and raw loop): what
 * each connector needs in its config, and what arrived there (arrival time and key fingerprint).
 *
 * <p>{@link #startOverTls} makes the same stand-ins listen with TLS (AMQPS, HTTPS with the run's
 * certificate) next to a local identity provider: then the keys' connection strings and Event Grid URL
 * name the TLS listeners, and {@link #identityConfig} gives the keys that send as a service principal
 * of that provider instead, so keys and identity travel the same encrypted path.
 */
public final class StandIns implements AutoCloseable {

    public static final String KEY_NAME = "RootManageSharedAccessKey";
    public static final String SB_TOPIC = "bench-sb";
    public static final String EVENT_HUB = "bench-eh";
    public static final String EG_TOPIC = "bench-eg";
    /** The Event Grid topic with the CloudEvents input schema, for {@code event.format=cloudevents}. */
    public static final String EG_CE_TOPIC = "bench-eg-ce";

    public enum Target {
        SERVICE_BUS("ServiceBusSinkConnector", "Service Bus", SB_TOPIC),
        EVENT_HUBS("EventHubsSinkConnector", "Event Hubs", EVENT_HUB),
        EVENT_GRID("EventGridSinkConnector", "Event Grid", EG_TOPIC);

        public final String connectorClass;
        public final String label;
        /** The entity it sends to on its stand-in. */
        public final String entity;

        Target(String connectorClass, String label, String entity) {
            this.connectorClass = connectorClass;
            this.label = label;
            this.entity = entity;
        }
    }

    /** The service principal of {@link #startOverTls}: it holds the three data-sender roles on every entity. */
    public static final String APP = "b3c10000-0000-4000-8000-0000000000a1";
    /** The namespace the identity's tokens are for (the stand-in does not check its host). */
    public static final String NAMESPACE = "twinegress-bench.servicebus.windows.net";

    private final AmqpEmulator amqp;
    private final EventGridEmulator eventGrid;
    /** Null unless over TLS. */
    private final IdentityProvider identities;
    private final String appSecret;

    private StandIns(AmqpEmulator amqp, EventGridEmulator eventGrid, IdentityProvider identities, String appSecret) {
        this.amqp = amqp;
        this.eventGrid = eventGrid;
        this.identities = identities;
        this.appSecret = appSecret;
    }

    public static StandIns start(String primary, String secondary) {
        return start(primary, secondary, null, null);
    }

    /**
     * As {@link #start}, with TLS listeners (the JVM's shared stand-in certificate) and a local identity
     * provider whose service principal {@link #APP} holds every data-sender role; the stand-ins accept its
     * tokens and the two keys alike.
     */
    public static StandIns startOverTls(String primary, String secondary) {
        String secret = newKey();
        IdentityProvider idp = IdentityProvider.builder().servicePrincipal(APP, secret).start();
        for (Role r : List.of(Role.SERVICE_BUS_DATA_SENDER, Role.EVENT_HUBS_DATA_SENDER, Role.EVENT_GRID_DATA_SENDER)) {
            idp.assignRole(APP, r, "*");
        }
        return start(primary, secondary, idp, secret);
    }

    /** The same entities and keys either way; with {@code idp}, also TLS listeners that accept its tokens. */
    private static StandIns start(String primary, String secondary, IdentityProvider idp, String secret) {
        AmqpEmulator.Builder amqp = AmqpEmulator.builder();
        EventGridEmulator.Builder eg = EventGridEmulator.builder();
        if (idp != null) {
            amqp.tls().identities(idp);
            eg.tls().identities(idp);
        }
        return new StandIns(
            amqp.retainPerEntity(0).serviceBusTopic(SB_TOPIC).eventHub(EVENT_HUB, 4).key(KEY_NAME, primary).key(KEY_NAME, secondary)
                .start(),
            eg.retainPerTopic(0).topic(EG_TOPIC).cloudEventsTopic(EG_CE_TOPIC).key(primary).key(secondary).start(),
            idp, secret);
    }

    /** Whether the stand-ins listen with TLS (and connectors are pointed at those listeners). */
    public boolean overTls() {
        return identities != null;
    }

    /** The JVM flags a worker needs to trust the TLS listeners (their run's trust store). */
    public List<String> trustJvmFlags() {
        return overTls() ? StandInTls.shared().trustJvmOptions() : List.of();
    }

    /**
     * The keys that make a connector send as the service principal {@link #APP} (client secret against the
     * local identity provider, an explicit credential, never the default chain) to the TLS listener of
     * {@code t}'s stand-in; with {@link #path} unchanged. The connection strings must be removed.
     */
    public Map<String, String> identityConfig(Target t) {
        if (!overTls()) {
            throw new IllegalStateException("an identity needs the stand-ins over TLS: startOverTls");
        }
        Map<String, String> c = new LinkedHashMap<>();
        c.put("auth.mode", "entra-id");
        c.put("entra.credential", "client-secret");
        c.put("entra.client.id", APP);
        c.put("entra.tenant.id", identities.tenantId());
        c.put("entra.authority.host", identities.authorityHost());
        c.put("entra.client.secret", appSecret);
        if (t != Target.EVENT_GRID) {
            c.put("namespace", NAMESPACE);
            c.put("custom.endpoint.address", amqp.customEndpointAddress());
        }
        return c;
    }

    /** Tokens the identity provider issued so far (all to {@link #APP}); 0 without one. */
    public long tokensIssued() {
        return identities == null ? 0 : identities.tokensIssued(APP);
    }

    public static String newKey() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    private StandIn<?> standIn(Target t) {
        return t == Target.EVENT_GRID ? eventGrid : amqp;
    }

    /** The {@code connection.string} value for {@code key}. */
    public String connectionString(Target t, String key) {
        if (overTls() && t != Target.EVENT_GRID) {
            // no UseDevelopmentEmulator: the SDK then speaks AMQPS, to the port the Endpoint names
            URI tls = URI.create(amqp.customEndpointAddress());
            String cs = "Endpoint=sb://" + tls.getHost() + ":" + tls.getPort() + "/;SharedAccessKeyName=" + KEY_NAME
                + ";SharedAccessKey=" + key;
            return t == Target.EVENT_HUBS ? cs + ";EntityPath=" + EVENT_HUB : cs;
        }
        return switch (t) {
            case SERVICE_BUS -> amqp.connectionString(KEY_NAME, key);
            case EVENT_HUBS -> amqp.connectionString(KEY_NAME, key, EVENT_HUB);
            case EVENT_GRID -> key;
        };
    }

    /** The {@code path} value. */
    public String path(Target t) {
        return t == Target.EVENT_GRID ? eventGridUrl() : t.entity;
    }

    public String eventGridUrl() {
        return overTls() ? eventGrid.httpsEndpoint(EG_TOPIC) : eventGrid.endpoint(EG_TOPIC);
    }

    /** The {@code path} value for CloudEvents: Event Grid's CloudEvents-schema topic; the same entity otherwise. */
    public String cloudEventsPath(Target t) {
        if (t != Target.EVENT_GRID) {
            return t.entity;
        }
        return overTls() ? eventGrid.httpsEndpoint(EG_CE_TOPIC) : eventGrid.endpoint(EG_CE_TOPIC);
    }

    private static String entity(Target t, boolean cloudEvents) {
        return cloudEvents && t == Target.EVENT_GRID ? EG_CE_TOPIC : t.entity;
    }

    public int count(Target t) {
        return count(t, false);
    }

    public int count(Target t, boolean cloudEvents) {
        return standIn(t).count(entity(t, cloudEvents));
    }

    /** What arrived, oldest first: each with its arrival time and the fingerprint of its key. */
    public List<? extends Received> arrivals(Target t) {
        return arrivals(t, false);
    }

    public List<? extends Received> arrivals(Target t, boolean cloudEvents) {
        return standIn(t).received(entity(t, cloudEvents));
    }

    /** How many times a key was refused so far (AMQP put-token 401s; Event Grid 401 responses). */
    public long refusals(Target t) {
        return t == Target.EVENT_GRID ? eventGrid.responses(401) : amqp.tokensRefused();
    }

    /** Replaces the valid keys (like regenerating them in Azure): connections on other keys are dropped. */
    public void setKeys(Target t, String... keys) {
        standIn(t).setKeys(KEY_NAME, List.of(keys));
    }

    public void clear() {
        amqp.clear();
        eventGrid.clear();
    }

    @Override
    public void close() {
        amqp.close();
        eventGrid.close();
        if (identities != null) {
            identities.close();
        }
    }
}
