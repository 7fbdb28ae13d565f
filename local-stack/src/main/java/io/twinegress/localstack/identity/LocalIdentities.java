package io.twinegress.localstack.identity;

import com.fasterxml.jackson.databind.JsonNode;
import io.twinegress.localstack.Ports;
import io.twinegress.localstack.endpoints.SampleEndpoint;
import io.twinegress.schemas.EndpointType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The local stack with {@code --auth entra-id}: the connectors authenticate with Microsoft Entra ID
 * identities of the stand-ins' identity provider instead of keys, over TLS. One identity of each kind,
 * as production would have them: the Service Bus endpoint with a (user-assigned) managed identity, the
 * Event Hubs endpoints with a workload identity (a federated token file), the Event Grid endpoint with
 * a service principal (a client secret, random per run, kept in a private secrets file read by the
 * worker's FileConfigProvider). Each identity holds its target's data-sender role on its entity only.
 *
 * <p>What each part gets: the stand-ins their TLS listeners and the identity provider (properties);
 * the worker the managed-identity variables ({@code IDENTITY_ENDPOINT}, {@code IDENTITY_HEADER}) in its
 * environment and the stand-ins' trust store; each connector its {@code auth.mode=entra-id} keys.
 */
public final class LocalIdentities {

    public static final String MANAGED = "7a1e0000-0000-4000-8000-0000000000a1";
    public static final String WORKLOAD = "7a1e0000-0000-4000-8000-0000000000a2";
    public static final String APP = "7a1e0000-0000-4000-8000-0000000000a3";
    public static final String SUBJECT = "system:serviceaccount:twin-egress:connect";
    /** The namespace the identities' tokens are for (the stand-in does not check its host). */
    public static final String NAMESPACE = "twinegress-local.servicebus.windows.net";
    static final String SECRET_PROPERTY = "eventgrid.entra.secret";

    private final String secret;

    public LocalIdentities() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        this.secret = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** What the stand-ins' listeners and identity provider say in their ready file. */
    public record Ready(int amqps, int eventGridHttps, String truststore, String truststorePassword, String authorityHost,
                        String tenant, String identityEndpoint, String identityHeader, Path federatedTokenDir) {

        public static Ready of(JsonNode ready) {
            return new Ready(ready.path("amqps").asInt(), ready.path("eventgridHttps").asInt(),
                ready.path("truststore").asText(), ready.path("truststorePassword").asText(),
                ready.path("authorityHost").asText(), ready.path("tenant").asText(),
                ready.path("IDENTITY_ENDPOINT").asText(), ready.path("IDENTITY_HEADER").asText(),
                Path.of(ready.path("federatedTokenDir").asText()));
        }

        @Override
        public String toString() {
            return "Ready[amqps " + amqps + ", eventgrid https " + eventGridHttps + ", authority " + authorityHost + "]";
        }
    }

    /** The credential kind of an endpoint's connector. */
    public static String kind(SampleEndpoint e) {
        return switch (e.type()) {
            case ServiceBus -> "managed-identity";
            case EventHub -> "workload-identity";
            case EventGrid -> "client-secret";
        };
    }

    public static String clientId(SampleEndpoint e) {
        return switch (e.type()) {
            case ServiceBus -> MANAGED;
            case EventHub -> WORKLOAD;
            case EventGrid -> APP;
        };
    }

    /** The stand-ins' name of the role the endpoint's identity needs. */
    public static String role(SampleEndpoint e) {
        return switch (e.type()) {
            case ServiceBus -> "SERVICE_BUS_DATA_SENDER";
            case EventHub -> "EVENT_HUBS_DATA_SENDER";
            case EventGrid -> "EVENT_GRID_DATA_SENDER";
        };
    }

    /** emulators.properties keys: TLS listeners and the identity provider on free ports, the identities and their roles. */
    public Map<String, String> standInProperties(List<SampleEndpoint> endpoints) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("tls.enabled", "true");
        p.put("amqp.tls.port", "0");
        p.put("eventgrid.tls.port", "0");
        p.put("identity.enabled", "true");
        p.put("identity.authority.port", "0");
        p.put("identity.msi.port", "0");
        p.put("identity.managed", MANAGED);
        p.put("identity.secret." + APP, secret);
        p.put("identity.workload." + WORKLOAD, SUBJECT);
        Map<String, List<String>> roles = new LinkedHashMap<>();
        for (SampleEndpoint e : endpoints) {
            roles.computeIfAbsent(clientId(e), k -> new ArrayList<>()).add(role(e) + "@" + e.entity());
        }
        roles.forEach((id, r) -> p.put("identity.roles." + id, String.join(",", r)));
        return p;
    }

    /** The worker's environment: where its managed identity gets tokens (as App Service sets it). */
    public Map<String, String> workerEnvironment(Ready ready) {
        return Map.of("IDENTITY_ENDPOINT", ready.identityEndpoint(), "IDENTITY_HEADER", ready.identityHeader());
    }

    /** The worker's JVM flags: trust the stand-ins' certificate (made for the run). */
    public List<String> workerJvmFlags(Ready ready) {
        return List.of("-Djavax.net.ssl.trustStore=" + ready.truststore(),
            "-Djavax.net.ssl.trustStorePassword=" + ready.truststorePassword(), "-Djavax.net.ssl.trustStoreType=PKCS12");
    }

    /** Writes the service principal's secret to a private file in {@code dataDir}, for the worker's FileConfigProvider. */
    public Path writeSecret(Path dataDir) throws IOException {
        Path dir = dataDir.resolve("secrets");
        Files.createDirectories(dir);
        Path file = dir.resolve("entra.properties");
        Files.writeString(file, "# the local service principal's client secret; read by Connect's FileConfigProvider\n"
            + SECRET_PROPERTY + "=" + secret + "\n");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the data directory is private to the user anyway
        }
        return file;
    }

    /**
     * The endpoint's connector config with its identity instead of its keys: no connection string,
     * {@code auth.mode=entra-id}, the credential of its kind, and the TLS listener of its stand-in.
     */
    public Map<String, String> connectorConfig(SampleEndpoint e, Map<String, String> keyConfig, Ready ready, Path secretFile) {
        Map<String, String> c = new LinkedHashMap<>(keyConfig);
        c.remove("connection.string");
        c.remove("secondary.connection.string");
        c.put("auth.mode", "entra-id");
        c.put("entra.credential", kind(e));
        c.put("entra.client.id", clientId(e));
        if (e.type() == EndpointType.EventGrid) {
            String https = "https://" + Ports.HOST + ":" + ready.eventGridHttps();
            // a namespace topic's path is the namespace's base URL: the connector appends /topics/<topic>:publish
            c.put("path", "namespace-topic".equals(c.get("eventgrid.kind")) ? https : https + "/" + e.entity() + "/api/events");
        } else {
            c.put("namespace", NAMESPACE);
            c.put("custom.endpoint.address", "https://" + Ports.HOST + ":" + ready.amqps());
            c.put("path", e.entity());
        }
        if (e.type() != EndpointType.ServiceBus) {
            c.put("entra.tenant.id", ready.tenant());
            c.put("entra.authority.host", ready.authorityHost());
        }
        if (e.type() == EndpointType.EventHub) {
            c.put("entra.token.file", ready.federatedTokenDir().resolve(WORKLOAD + ".token").toString());
        }
        if (e.type() == EndpointType.EventGrid) {
            c.put("entra.client.secret", "${file:" + secretFile.toAbsolutePath() + ":" + SECRET_PROPERTY + "}");
        }
        return c;
    }

    /** One line for the start-up output: which endpoint uses which identity (no secrets). */
    public static String describe(List<SampleEndpoint> endpoints) {
        return endpoints.stream().map(e -> e.id() + " " + kind(e) + " " + clientId(e))
            .collect(Collectors.joining("; "));
    }
}
