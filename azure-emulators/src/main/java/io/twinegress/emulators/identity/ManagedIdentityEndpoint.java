package io.twinegress.emulators.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The App Service managed-identity protocol (API version 2019-08-01): {@code GET /msi/token} with
 * {@code resource}, optionally {@code client_id} (or {@code mi_res_id} / {@code object_id}), and the header
 * {@code X-IDENTITY-HEADER}. Errors carry App Service's shape {@code {"statusCode":..,"message":..,
 * "correlationId":..}}, which the credential shows in its exception.
 */
final class ManagedIdentityEndpoint implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ManagedIdentityEndpoint.class);

    private final IdentityProvider provider;

    ManagedIdentityEndpoint(IdentityProvider provider) {
        this.provider = provider;
    }

    @Override
    public void handle(HttpExchange ex) {
        try (ex) {
            ex.getRequestBody().readAllBytes();
            respond(ex);
        } catch (IOException e) {
            LOG.debug("managed-identity client went away", e);
        } catch (RuntimeException e) {
            LOG.error("managed-identity request failed", e);
        }
    }

    private void respond(HttpExchange ex) throws IOException {
        if (!ex.getRequestURI().getPath().equals(IdentityProvider.MANAGED_IDENTITY_PATH)) {
            refuse(ex, 404, "No managed identity endpoint at '" + ex.getRequestURI().getPath() + "'.");
            return;
        }
        if (!"GET".equalsIgnoreCase(ex.getRequestMethod())) {
            refuse(ex, 405, "Only GET is supported.");
            return;
        }
        String header = ex.getRequestHeaders().getFirst("X-IDENTITY-HEADER");
        if (header == null || !MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8),
                provider.identityHeader().getBytes(StandardCharsets.UTF_8))) {
            refuse(ex, 401, "The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.");
            return;
        }
        Map<String, String> q = HttpJson.form(ex.getRequestURI().getRawQuery());
        String resource = q.get("resource");
        if (resource == null || resource.isBlank()) {
            refuse(ex, 400, "The 'resource' query parameter is required.");
            return;
        }
        Identity identity = find(q);
        if (identity == null || !identity.managed()) {
            refuse(ex, 400, "No User Assigned or Delegated Managed Identity found for specified "
                    + "ClientId/ResourceId/PrincipalId.");
            return;
        }
        IdentityProvider.IssuedToken token = provider.issue(identity, resource);
        ObjectNode body = JsonWebTokens.JSON.createObjectNode()
                .put("access_token", token.jwt())
                .put("expires_on", Long.toString(token.expiresAt().getEpochSecond()))
                .put("resource", resource)
                .put("token_type", "Bearer")
                .put("client_id", identity.clientId());
        HttpJson.send(ex, 200, body);
    }

    private Identity find(Map<String, String> q) {
        if (q.containsKey("client_id")) {
            return provider.identity(q.get("client_id"));
        }
        if (q.containsKey("object_id") || q.containsKey("principal_id")) {
            String oid = q.getOrDefault("object_id", q.get("principal_id"));
            return provider.identities().stream().filter(i -> i.objectId().equalsIgnoreCase(oid)).findFirst()
                    .orElse(null);
        }
        if (q.containsKey("mi_res_id") || q.containsKey("msi_res_id")) {
            String id = q.getOrDefault("mi_res_id", q.get("msi_res_id"));
            String name = id.substring(id.lastIndexOf('/') + 1);
            return provider.identity(name);
        }
        return provider.systemAssigned();
    }

    private void refuse(HttpExchange ex, int status, String message) throws IOException {
        provider.refusedRequest();
        HttpJson.send(ex, status, JsonWebTokens.JSON.createObjectNode().put("statusCode", status)
                .put("message", message).put("correlationId", UUID.randomUUID().toString()));
    }
}
