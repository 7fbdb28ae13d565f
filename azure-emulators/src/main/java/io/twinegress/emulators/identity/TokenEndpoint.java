package io.twinegress.emulators.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenant's OAuth2 endpoints on the HTTPS authority: {@code POST /<tenant>/oauth2/v2.0/token} (client
 * credentials, with a client secret or a federated client assertion), the OpenID configuration
 * {@code GET /<tenant>/v2.0/.well-known/openid-configuration} and the signing keys
 * {@code GET /<tenant>/discovery/v2.0/keys}. Errors carry Entra ID's shape ({@code error},
 * {@code error_description} starting with the AADSTS code, {@code error_codes}, {@code trace_id},
 * {@code correlation_id}), with Entra ID's statuses: 401 for a wrong client secret, 400 otherwise.
 */
final class TokenEndpoint implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);
    private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final String DEFAULT_SCOPE_SUFFIX = "/.default";

    private final IdentityProvider provider;

    TokenEndpoint(IdentityProvider provider) {
        this.provider = provider;
    }

    @Override
    public void handle(HttpExchange ex) {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            respond(ex, new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.debug("token client went away", e);
        } catch (RuntimeException e) {
            LOG.error("token request failed", e);
        }
    }

    private void respond(HttpExchange ex, String body) throws IOException {
        String path = ex.getRequestURI().getPath();
        String tenantPrefix = "/" + provider.tenantId();
        if (!path.startsWith(tenantPrefix + "/")) {
            error(ex, 400, "invalid_request", 90002, "AADSTS90002: Tenant '" + firstSegment(path)
                    + "' not found. Check to make sure you have the correct tenant ID.");
            return;
        }
        String rest = path.substring(tenantPrefix.length());
        if ("GET".equalsIgnoreCase(ex.getRequestMethod()) && rest.equals("/v2.0/.well-known/openid-configuration")) {
            HttpJson.send(ex, 200, openIdConfiguration());
            return;
        }
        if ("GET".equalsIgnoreCase(ex.getRequestMethod()) && rest.equals("/discovery/v2.0/keys")) {
            HttpJson.send(ex, 200, provider.jwks());
            return;
        }
        if (!"POST".equalsIgnoreCase(ex.getRequestMethod()) || !rest.equals("/oauth2/v2.0/token")) {
            error(ex, 404, "not_found", 0, "No endpoint at " + ex.getRequestMethod() + " " + path + ".");
            return;
        }
        Map<String, String> form = HttpJson.form(body);
        if (!"client_credentials".equals(form.get("grant_type"))) {
            error(ex, 400, "unsupported_grant_type", 70003, "AADSTS70003: The app requested an unsupported grant "
                    + "type '" + form.get("grant_type") + "'; only client_credentials is served here.");
            return;
        }
        String resource = resource(form.get("scope"));
        if (resource == null) {
            error(ex, 400, "invalid_scope", 1002012, "AADSTS1002012: The provided value for scope '"
                    + form.get("scope") + "' is not valid. Client credential flows must have a scope value with "
                    + "/.default suffixed to the resource identifier (application ID URI).");
            return;
        }
        String clientId = form.get("client_id");
        Identity identity = provider.identity(clientId);
        if (identity == null) {
            error(ex, 400, "unauthorized_client", 700016, "AADSTS700016: Application with identifier '" + clientId
                    + "' was not found in the directory '" + provider.tenantId() + "'.");
            return;
        }
        String refusal = authenticate(identity, form);
        if (refusal != null) {
            error(ex, refusal.startsWith("AADSTS7000215") ? 401 : 400, "invalid_client", code(refusal), refusal);
            return;
        }
        IdentityProvider.IssuedToken token = provider.issue(identity, resource);
        long expiresIn = Math.max(1, Duration.between(Instant.now(), token.expiresAt()).toSeconds());
        ObjectNode answer = JsonWebTokens.JSON.createObjectNode()
                .put("token_type", "Bearer")
                .put("expires_in", expiresIn)
                .put("ext_expires_in", expiresIn)
                .put("expires_on", Long.toString(token.expiresAt().getEpochSecond()))
                .put("access_token", token.jwt());
        HttpJson.send(ex, 200, answer);
    }

    /** Null when the request proves it is {@code identity}; else the AADSTS reason. */
    private String authenticate(Identity identity, Map<String, String> form) {
        String secret = form.get("client_secret");
        String assertion = form.get("client_assertion");
        if (secret != null) {
            if (identity.secret() == null || !MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                    identity.secret().getBytes(StandardCharsets.UTF_8))) {
                return "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request "
                        + "is the client secret value, not the client secret ID, for a secret added to app '"
                        + identity.clientId() + "'.";
            }
            return null;
        }
        if (assertion != null) {
            if (!JWT_BEARER.equals(form.get("client_assertion_type"))) {
                return "AADSTS700025: The client_assertion_type must be " + JWT_BEARER + ".";
            }
            if (identity.federatedSubject() == null) {
                return "AADSTS70021: No matching federated identity record found for presented assertion.";
            }
            return provider.checkAssertion(assertion, identity);
        }
        return "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or "
                + "'client_secret'.";
    }

    /** The resource of the first scope ending in {@code /.default} (reserved OpenID scopes ignored). */
    private static String resource(String scopes) {
        if (scopes == null) {
            return null;
        }
        for (String s : scopes.trim().split("\\s+")) {
            if (s.endsWith(DEFAULT_SCOPE_SUFFIX) && s.length() > DEFAULT_SCOPE_SUFFIX.length()) {
                return s.substring(0, s.length() - DEFAULT_SCOPE_SUFFIX.length());
            }
        }
        return null;
    }

    private ObjectNode openIdConfiguration() {
        String base = provider.authorityHost() + "/" + provider.tenantId();
        ObjectNode c = JsonWebTokens.JSON.createObjectNode()
                .put("issuer", provider.issuer())
                .put("token_endpoint", base + "/oauth2/v2.0/token")
                .put("authorization_endpoint", base + "/oauth2/v2.0/authorize")
                .put("jwks_uri", base + "/discovery/v2.0/keys")
                .put("tenant_region_scope", "local");
        c.putArray("token_endpoint_auth_methods_supported").add("client_secret_post").add("private_key_jwt");
        c.putArray("id_token_signing_alg_values_supported").add("RS256");
        c.putArray("grant_types_supported").add("client_credentials");
        return c;
    }

    private void error(HttpExchange ex, int status, String error, int code, String description) throws IOException {
        provider.refusedRequest();
        ObjectNode e = JsonWebTokens.JSON.createObjectNode().put("error", error).put("error_description", description);
        if (code > 0) {
            e.putArray("error_codes").add(code);
        }
        e.put("timestamp", Instant.now().toString()).put("trace_id", UUID.randomUUID().toString())
                .put("correlation_id", UUID.randomUUID().toString());
        HttpJson.send(ex, status, e);
    }

    private static int code(String reason) {
        try {
            return Integer.parseInt(reason.substring("AADSTS".length(), reason.indexOf(':')));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static String firstSegment(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        int slash = p.indexOf('/');
        return slash < 0 ? p : p.substring(0, slash);
    }
}
