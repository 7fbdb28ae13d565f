package io.twinegress.emulators.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.twinegress.emulators.Loopback;
import io.twinegress.emulators.tls.StandInTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for Microsoft Entra ID that the real {@code azure-identity} credentials get tokens from
 * on loopback, and that the Service Bus, Event Hubs and Event Grid stand-ins check tokens against.
 *
 * <h2>Where the credentials get their tokens</h2>
 * <ul>
 * <li><b>Managed identity</b> (App Service protocol, plain HTTP as on App Service):
 *     {@code GET <IDENTITY_ENDPOINT>?api-version=2019-08-01&resource=<resource>[&client_id=<id>]} with header
 *     {@code X-IDENTITY-HEADER: <IDENTITY_HEADER>}; answers {@code access_token}, {@code expires_on} (epoch
 *     seconds), {@code resource}, {@code token_type}, {@code client_id}. The credential reads the two
 *     variables from the process environment: set them for a child process from
 *     {@link #managedIdentityEnvironment()}, or in this JVM with {@link MsalEnvironment}.</li>
 * <li><b>Client secret</b> and <b>workload identity</b> (OAuth2 client credentials, HTTPS with the run's
 *     {@link StandInTls} certificate): {@code POST <authorityHost>/<tenant>/oauth2/v2.0/token} with
 *     {@code client_secret}, or {@code client_assertion} = a federated token
 *     ({@link #writeFederatedToken}) of type {@code urn:ietf:params:oauth:client-assertion-type:jwt-bearer}.
 *     Configure the credential with {@code authorityHost(}{@link #authorityHost()}{@code )} and
 *     {@code disableInstanceDiscovery()}: with discovery on, the library asks
 *     {@code login.microsoftonline.com} about an authority it does not know. Also served: the tenant's
 *     OpenID configuration and its signing keys (JWKS).</li>
 * </ul>
 *
 * <h2>The tokens</h2>
 * RS256 JWTs signed with a key pair made at start: {@code aud} = the requested resource (the scope without
 * {@code /.default}), {@code iss} = {@link #issuer()}, {@code iat}/{@code nbf}/{@code exp} (lifetime
 * {@link #setTokenLifetime}), {@code appid}/{@code azp}, {@code oid}/{@code sub}, {@code tid}. Roles are not
 * claims: as Azure does, a service checks the role assignment of the token's principal when the token is
 * used ({@link #check}), so a revoked role refuses the next use of a token that is still valid.
 *
 * <h2>At run time</h2>
 * {@link #assignRole}, {@link #revokeRole} (connections that used a token of that principal are cut, as
 * for a regenerated key), {@link #setTokenLifetime}, {@link #expireIssuedTokens()} (every token issued so
 * far is refused as expired from now on), {@link #tokensIssued(String)}. Nothing here logs a token or a
 * secret. Thread-safe; each change is in effect when the method returns.
 */
public final class IdentityProvider implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityProvider.class);

    /** The tenant the provider serves unless told otherwise. */
    public static final String DEFAULT_TENANT = "11111111-1111-1111-1111-111111111111";
    /** The audience a federated (workload identity) assertion must carry. */
    public static final String FEDERATED_AUDIENCE = "api://AzureADTokenExchange";
    /** Where the App Service protocol is served on the managed-identity port. */
    public static final String MANAGED_IDENTITY_PATH = "/msi/token";

    private final String host;
    private final String tenant;
    private final KeyPair signingKey = rsaKeyPair();
    private final String keyId = JsonWebTokens.keyId(signingKey.getPublic());
    private final String identityHeader = HexFormat.of().formatHex(randomBytes(16));
    private final Map<String, Identity> identities = new ConcurrentHashMap<>();
    private final RoleAssignments roles = new RoleAssignments();
    private final Map<String, IssuedTokenInfo> issuedTokens = new ConcurrentHashMap<>(); // by token id
    private final Set<String> expiredEarly = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> issuedPerIdentity = new ConcurrentHashMap<>();
    private final AtomicLong requestsRefused = new AtomicLong();
    private final AtomicLong checksRefused = new AtomicLong();
    private final List<Runnable> accessChangeListeners = new CopyOnWriteArrayList<>();
    private final ExecutorService executor;
    private final HttpsServer authorityServer;
    private final HttpServer managedIdentityServer;
    private volatile Duration tokenLifetime;

    private IdentityProvider(Builder b) {
        Loopback.require(b.host);
        this.host = b.host;
        this.tenant = b.tenant;
        this.tokenLifetime = b.tokenLifetime;
        b.identities.forEach(i -> identities.put(key(i.clientId()), i));
        b.assignments.forEach(a -> roles.assign(a.clientId, a.role, a.scope));
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "identity-provider-http");
            t.setDaemon(true);
            return t;
        });
        try {
            StandInTls tls = b.tls != null ? b.tls : StandInTls.shared();
            authorityServer = HttpsServer.create(new InetSocketAddress(host, b.authorityPort), 0);
            authorityServer.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
            authorityServer.setExecutor(executor);
            authorityServer.createContext("/", new TokenEndpoint(this));
            managedIdentityServer = HttpServer.create(new InetSocketAddress(host, b.managedIdentityPort), 0);
            managedIdentityServer.setExecutor(executor);
            managedIdentityServer.createContext("/", new ManagedIdentityEndpoint(this));
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("cannot listen on " + host, e);
        }
        authorityServer.start();
        managedIdentityServer.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Identities, their roles, where to listen; nothing listens until {@link #start()}. */
    public static final class Builder {
        private record Assignment(String clientId, Role role, String scope) {
        }

        private String host = "127.0.0.1";
        private int authorityPort;
        private int managedIdentityPort;
        private String tenant = DEFAULT_TENANT;
        private StandInTls tls;
        private Duration tokenLifetime = Duration.ofHours(1);
        private final List<Identity> identities = new ArrayList<>();
        private final List<Assignment> assignments = new ArrayList<>();

        private Builder() {
        }

        /** Loopback address to bind (default {@code 127.0.0.1}). */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** HTTPS port of the OAuth2 authority; 0 (default) picks a free one. */
        public Builder authorityPort(int port) {
            this.authorityPort = port;
            return this;
        }

        /** HTTP port of the managed-identity endpoint; 0 (default) picks a free one. */
        public Builder managedIdentityPort(int port) {
            this.managedIdentityPort = port;
            return this;
        }

        /** The tenant id (default {@link #DEFAULT_TENANT}). */
        public Builder tenant(String tenant) {
            this.tenant = tenant;
            return this;
        }

        /** The TLS identity of the authority (default {@link StandInTls#shared()}). */
        public Builder tls(StandInTls tls) {
            this.tls = tls;
            return this;
        }

        /** How long issued tokens live (default one hour). */
        public Builder tokenLifetime(Duration lifetime) {
            this.tokenLifetime = lifetime;
            return this;
        }

        /** Any identity. */
        public Builder identity(Identity identity) {
            identities.add(identity);
            return this;
        }

        /** A user-assigned managed identity: requests name its client id. */
        public Builder managedIdentity(String clientId) {
            return identity(new Identity(clientId, null, true, false, null, null));
        }

        /** The system-assigned managed identity: answered when a request names no client id. */
        public Builder systemAssignedIdentity(String clientId) {
            return identity(new Identity(clientId, null, true, true, null, null));
        }

        /** An app registration (service principal) with a client secret. */
        public Builder servicePrincipal(String clientId, String secret) {
            return identity(new Identity(clientId, null, false, false, secret, null));
        }

        /** An app registration with a federated credential for {@code subject} (workload identity). */
        public Builder workloadIdentity(String clientId, String subject) {
            return identity(new Identity(clientId, null, false, false, null, subject));
        }

        /** Gives {@code clientId} {@code role} on {@code scope}: an entity or topic name, or {@code "*"} for all. */
        public Builder assign(String clientId, Role role, String scope) {
            assignments.add(new Assignment(clientId, role, scope));
            return this;
        }

        public IdentityProvider start() {
            IdentityProvider p = new IdentityProvider(this);
            LOG.info("Identity provider started: authority {}, managed identity {}, {} identities", p.authorityHost(),
                    p.managedIdentityEndpoint(), p.identities.size());
            return p;
        }
    }

    // ------------------------------------------------------------------ where it listens

    /** {@code https://127.0.0.1:PORT}: what a credential's {@code authorityHost} is set to. */
    public String authorityHost() {
        return "https://" + hostForUrl() + ":" + authorityServer.getAddress().getPort();
    }

    public int authorityPort() {
        return authorityServer.getAddress().getPort();
    }

    public int managedIdentityPort() {
        return managedIdentityServer.getAddress().getPort();
    }

    /** The tenant id the credentials name. */
    public String tenantId() {
        return tenant;
    }

    /** The {@code iss} of every token: {@code <authorityHost>/<tenant>/v2.0}. */
    public String issuer() {
        return authorityHost() + "/" + tenant + "/v2.0";
    }

    /** The {@code iss} of federated assertions (the "cluster" the workload identity trusts). */
    public String federatedIssuer() {
        return authorityHost() + "/federation";
    }

    /** {@code http://127.0.0.1:PORT/msi/token}: the value of {@code IDENTITY_ENDPOINT}. */
    public String managedIdentityEndpoint() {
        return "http://" + hostForUrl() + ":" + managedIdentityPort() + MANAGED_IDENTITY_PATH;
    }

    /**
     * The value of {@code IDENTITY_HEADER}: a random value per run that requests must echo in
     * {@code X-IDENTITY-HEADER} (as App Service asks, to tell a local caller from a forwarded one).
     */
    public String identityHeader() {
        return identityHeader;
    }

    /** {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER}, for the environment of a child process. */
    public Map<String, String> managedIdentityEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("IDENTITY_ENDPOINT", managedIdentityEndpoint());
        env.put("IDENTITY_HEADER", identityHeader);
        return env;
    }

    // ------------------------------------------------------------------ identities and roles

    /** Adds (or replaces) an identity while running. */
    public void addIdentity(Identity identity) {
        identities.put(key(identity.clientId()), identity);
        LOG.info("Identity provider: identity {} added ({})", identity.clientId(), identity.kinds());
    }

    /** The identities, safe to print (secrets are not in {@link Identity#toString()}). */
    public List<Identity> identities() {
        return List.copyOf(identities.values());
    }

    /** Role name → scopes held by {@code clientId}. */
    public Map<String, Set<String>> rolesOf(String clientId) {
        return roles.of(clientId);
    }

    /** Gives {@code clientId} {@code role} on {@code scope} (an entity or topic, or {@code "*"}), e.g. to restore it. */
    public void assignRole(String clientId, Role role, String scope) {
        roles.assign(clientId, role, scope);
        LOG.info("Identity provider: {} assigned '{}' on {}", clientId, role.displayName(), scope);
    }

    /**
     * Takes {@code role} on exactly {@code scope} from {@code clientId}; the next use of any of its tokens
     * there is refused, and AMQP connections authorized by its tokens are cut before this returns (the
     * client reconnects and its put-token is refused).
     */
    public void revokeRole(String clientId, Role role, String scope) {
        boolean had = roles.revoke(clientId, role, scope);
        LOG.info("Identity provider: '{}' on {} revoked from {}{}", role.displayName(), scope, clientId,
                had ? "" : " (it did not hold it)");
        accessChanged();
    }

    /** Whether {@code clientId} holds {@code role} on {@code entity}. */
    public boolean holds(String clientId, Role role, String entity) {
        return roles.holds(clientId, role, entity);
    }

    // ------------------------------------------------------------------ tokens

    /** How long tokens issued from now on live. */
    public void setTokenLifetime(Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("a token lifetime must be positive");
        }
        tokenLifetime = lifetime;
        LOG.info("Identity provider: token lifetime {}", lifetime);
    }

    public Duration tokenLifetime() {
        return tokenLifetime;
    }

    /**
     * Every token issued so far is refused as expired from now on, as if its lifetime had ended: the
     * clients must get new ones (a credential that keeps serving its cached token keeps being refused).
     * AMQP connections authorized by them are cut before this returns.
     */
    public void expireIssuedTokens() {
        expire(null);
    }

    /** As {@link #expireIssuedTokens()}, for the tokens of {@code clientId} only. */
    public void expireIssuedTokens(String clientId) {
        expire(key(clientId));
    }

    private void expire(String principal) {
        int n = 0;
        for (Map.Entry<String, IssuedTokenInfo> e : issuedTokens.entrySet()) {
            if (principal == null || e.getValue().principal().equals(principal)) {
                expiredEarly.add(e.getKey());
                issuedTokens.remove(e.getKey());
                n++;
            }
        }
        LOG.info("Identity provider: {} issued token(s){} expired early", n, principal == null ? "" : " of " + principal);
        accessChanged();
    }

    private record IssuedTokenInfo(String principal, Instant expiresAt) {
    }

    /** Tokens issued to {@code clientId} so far (any protocol). */
    public long tokensIssued(String clientId) {
        AtomicLong n = issuedPerIdentity.get(key(clientId));
        return n == null ? 0 : n.get();
    }

    /** Tokens issued so far, per client id. */
    public Map<String, Long> tokensIssued() {
        Map<String, Long> out = new LinkedHashMap<>();
        identities.values().forEach(i -> out.put(i.clientId(), tokensIssued(i.clientId())));
        return out;
    }

    /** Token requests refused (bad secret, unknown identity, bad assertion ...). */
    public long tokenRequestsRefused() {
        return requestsRefused.get();
    }

    /** Token uses refused by {@link #check} (invalid token or missing role). */
    public long tokenChecksRefused() {
        return checksRefused.get();
    }

    /**
     * A federated assertion for the workload identity {@code clientId}, as the Kubernetes token
     * projection writes it: {@code iss} {@link #federatedIssuer()}, {@code sub} the identity's subject,
     * {@code aud} {@link #FEDERATED_AUDIENCE}, valid for {@code lifetime}.
     */
    public String federatedToken(String clientId, Duration lifetime) {
        Identity i = identity(clientId);
        if (i == null || i.federatedSubject() == null) {
            throw new IllegalArgumentException("no workload identity with client id " + clientId);
        }
        Instant now = Instant.now();
        ObjectNode claims = JsonWebTokens.JSON.createObjectNode()
                .put("iss", federatedIssuer()).put("sub", i.federatedSubject()).put("aud", FEDERATED_AUDIENCE)
                .put("iat", now.getEpochSecond()).put("nbf", now.getEpochSecond())
                .put("exp", now.plus(lifetime).getEpochSecond()).put("jti", UUID.randomUUID().toString());
        return JsonWebTokens.sign(claims, signingKey.getPrivate(), keyId);
    }

    /**
     * Writes {@link #federatedToken} for {@code clientId}, valid for an hour, to {@code file}: the
     * {@code AZURE_FEDERATED_TOKEN_FILE} of a workload identity. Returns {@code file}.
     */
    public Path writeFederatedToken(String clientId, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, federatedToken(clientId, Duration.ofHours(1)), StandardCharsets.US_ASCII);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the federated token to " + file, e);
        }
    }

    /**
     * Checks a bearer token for sending to {@code entity} with {@code role}: signature, issuer, audience
     * (one {@code role} accepts), not before / expiry (and not expired early), then the role assignment of
     * its principal, looked up now.
     */
    public TokenCheck check(String token, Role role, String entity) {
        TokenCheck result = checkQuietly(token, role, entity);
        if (!result.accepted()) {
            checksRefused.incrementAndGet();
        }
        return result;
    }

    /** Whether a token once accepted for {@code entity} would still be (for cutting connections). */
    public boolean stillValid(String clientId, String tokenId, Role role, String entity) {
        return !expiredEarly.contains(tokenId) && roles.holds(clientId, role, entity);
    }

    /** The token id ({@code uti}) of {@code token} when it is ours, else null. */
    public String tokenId(String token) {
        JsonNode claims = JsonWebTokens.verify(token, signingKey.getPublic());
        return claims == null ? null : claims.path("uti").asText(null);
    }

    /** Whether {@code token} has the shape of a JWT (what tells a bearer token from a shared access signature). */
    public static boolean isJwt(String token) {
        return JsonWebTokens.looksLikeJwt(token);
    }

    /** Registers what to run (synchronously) after a role is revoked or tokens are expired early. */
    public void onAccessChange(Runnable listener) {
        accessChangeListeners.add(listener);
    }

    @Override
    public void close() {
        authorityServer.stop(0);
        managedIdentityServer.stop(0);
        executor.shutdownNow();
        LOG.info("Identity provider stopped");
    }

    // ------------------------------------------------------------------ for the endpoints

    Identity identity(String clientId) {
        return clientId == null ? null : identities.get(key(clientId));
    }

    Identity systemAssigned() {
        return identities.values().stream().filter(Identity::systemAssigned).findFirst().orElse(null);
    }

    /** A new access token for {@code identity} and {@code resource}; counted. */
    IssuedToken issue(Identity identity, String resource) {
        Instant now = Instant.now();
        Instant expires = now.plus(tokenLifetime);
        String tokenId = UUID.randomUUID().toString();
        ObjectNode claims = JsonWebTokens.JSON.createObjectNode()
                .put("aud", resource).put("iss", issuer())
                .put("iat", now.getEpochSecond()).put("nbf", now.getEpochSecond()).put("exp", expires.getEpochSecond())
                .put("appid", identity.clientId()).put("azp", identity.clientId())
                .put("oid", identity.objectId()).put("sub", identity.objectId()).put("tid", tenant)
                .put("idtyp", "app").put("ver", "2.0").put("uti", tokenId);
        issuedTokens.values().removeIf(t -> t.expiresAt().isBefore(now));
        issuedTokens.put(tokenId, new IssuedTokenInfo(key(identity.clientId()), expires));
        issuedPerIdentity.computeIfAbsent(key(identity.clientId()), k -> new AtomicLong()).incrementAndGet();
        return new IssuedToken(JsonWebTokens.sign(claims, signingKey.getPrivate(), keyId), expires);
    }

    record IssuedToken(String jwt, Instant expiresAt) {
    }

    /** Claims of a federated assertion when it is ours, unexpired and for {@code identity}; else the reason. */
    String checkAssertion(String assertion, Identity identity) {
        JsonNode claims = JsonWebTokens.verify(assertion, signingKey.getPublic());
        if (claims == null) {
            return "AADSTS50027: JWT token is invalid or malformed.";
        }
        long now = Instant.now().getEpochSecond();
        if (claims.path("exp").asLong(0) <= now || claims.path("nbf").asLong(0) > now) {
            return "AADSTS700024: Client assertion is not within its valid time range.";
        }
        String iss = claims.path("iss").asText();
        String sub = claims.path("sub").asText();
        String aud = claims.path("aud").asText();
        if (!iss.equals(federatedIssuer()) || !sub.equals(identity.federatedSubject())
                || !aud.equals(FEDERATED_AUDIENCE)) {
            return "AADSTS70021: No matching federated identity record found for presented assertion. Assertion "
                    + "Issuer: '" + iss + "'. Assertion Subject: '" + sub + "'. Assertion Audience: '" + aud + "'.";
        }
        return null;
    }

    /** The tenant's signing key as a JWKS. */
    ObjectNode jwks() {
        RSAPublicKey pub = (RSAPublicKey) signingKey.getPublic();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        ObjectNode root = JsonWebTokens.JSON.createObjectNode();
        root.putArray("keys").addObject().put("kty", "RSA").put("use", "sig").put("alg", "RS256").put("kid", keyId)
                .put("n", b64.encodeToString(unsigned(pub.getModulus().toByteArray())))
                .put("e", b64.encodeToString(unsigned(pub.getPublicExponent().toByteArray())));
        return root;
    }

    void refusedRequest() {
        requestsRefused.incrementAndGet();
    }

    private TokenCheck checkQuietly(String token, Role role, String entity) {
        JsonNode claims = JsonWebTokens.verify(token, signingKey.getPublic());
        if (claims == null) {
            return TokenCheck.invalid(null, null, null,
                    "InvalidSignature: the token is not a JWT signed by the tenant's key.");
        }
        String clientId = claims.path("appid").asText(null);
        String objectId = claims.path("oid").asText(null);
        Instant expires = Instant.ofEpochSecond(claims.path("exp").asLong(0));
        long now = Instant.now().getEpochSecond();
        if (!issuer().equals(claims.path("iss").asText())) {
            return TokenCheck.invalid(clientId, objectId, expires, "InvalidIssuer: the token issuer '"
                    + claims.path("iss").asText() + "' is not " + issuer() + ".");
        }
        if (expires.getEpochSecond() <= now || expiredEarly.contains(claims.path("uti").asText())) {
            return TokenCheck.invalid(clientId, objectId, expires, "ExpiredToken: the token expired at "
                    + (expiredEarly.contains(claims.path("uti").asText()) ? "an early expiry" : expires) + ".");
        }
        if (claims.path("nbf").asLong(0) > now) {
            return TokenCheck.invalid(clientId, objectId, expires, "InvalidToken: the token is not valid yet.");
        }
        String aud = claims.path("aud").asText();
        if (!role.accepts(aud)) {
            return TokenCheck.invalid(clientId, objectId, expires, "InvalidAudience: the token audience '" + aud
                    + "' is not one of " + role.audiences() + ".");
        }
        Identity who = identity(clientId);
        if (who == null || !who.objectId().equals(objectId) || !roles.holds(clientId, role, entity)) {
            return new TokenCheck(TokenCheck.Outcome.MISSING_ROLE, clientId, objectId, expires,
                    "Unauthorized access. The principal '" + clientId + "' (object id " + objectId
                            + ") does not hold the role '" + role.displayName() + "' on '" + entity + "'.");
        }
        return new TokenCheck(TokenCheck.Outcome.ACCEPTED, clientId, objectId, expires, null);
    }

    private void accessChanged() {
        for (Runnable r : accessChangeListeners) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("Identity provider: an access-change listener failed", e);
            }
        }
    }

    private String hostForUrl() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static String key(String clientId) {
        return clientId.toLowerCase(Locale.ROOT);
    }

    private static byte[] unsigned(byte[] b) {
        return b.length > 1 && b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            return gen.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
