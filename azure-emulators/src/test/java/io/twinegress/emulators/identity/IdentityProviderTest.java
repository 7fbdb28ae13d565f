package io.twinegress.emulators.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each real azure-identity credential gets a token from the local provider; the provider checks it. */
@Timeout(60)
class IdentityProviderTest {

    static final String MI = "0d1a6c0e-0000-4000-8000-00000000001a";
    static final String APP = "0d1a6c0e-0000-4000-8000-00000000002b";
    static final String SECRET = "app-secret-canary-7f3a";
    static final String WORKLOAD = "0d1a6c0e-0000-4000-8000-00000000003c";
    static final String SUBJECT = "system:serviceaccount:twin-egress:connect";
    static final String SB_SCOPE = "https://servicebus.azure.net/.default";

    static IdentityProvider idp;

    @BeforeAll
    static void start() {
        Credentials.trustStandIns();
        idp = IdentityProvider.builder().managedIdentity(MI).servicePrincipal(APP, SECRET)
                .workloadIdentity(WORKLOAD, SUBJECT)
                .assign(MI, Role.SERVICE_BUS_DATA_SENDER, "*")
                .assign(APP, Role.SERVICE_BUS_DATA_SENDER, "orders")
                .assign(WORKLOAD, Role.EVENT_GRID_DATA_SENDER, "*")
                .start();
    }

    @AfterAll
    static void stop() {
        MsalEnvironment.reset();
        idp.close();
    }

    private static AccessToken token(com.azure.core.credential.TokenCredential c, String scope) {
        return c.getTokenSync(new TokenRequestContext().addScopes(scope));
    }

    @Test
    void managedIdentityCredentialGetsATokenOverTheAppServiceProtocol() {
        long before = idp.tokensIssued(MI);
        AccessToken t = token(Credentials.managedIdentity(idp, MI), SB_SCOPE);
        assertEquals(before + 1, idp.tokensIssued(MI));
        assertTrue(t.getExpiresAt().isAfter(OffsetDateTime.now().plusMinutes(50)), "lifetime about an hour");
        TokenCheck check = idp.check(t.getToken(), Role.SERVICE_BUS_DATA_SENDER, "anything");
        assertTrue(check.accepted(), check.toString());
        assertEquals(MI, check.clientId());
        assertEquals(TokenCheck.Outcome.INVALID_TOKEN,
                idp.check(t.getToken(), Role.EVENT_GRID_DATA_SENDER, "twins").outcome(), "wrong audience");
    }

    @Test
    void clientSecretCredentialGetsATokenAndAWrongSecretIsRefused() {
        AccessToken t = token(Credentials.clientSecret(idp, APP, SECRET), SB_SCOPE);
        assertTrue(idp.check(t.getToken(), Role.SERVICE_BUS_DATA_SENDER, "ORDERS").accepted());
        TokenCheck elsewhere = idp.check(t.getToken(), Role.SERVICE_BUS_DATA_SENDER, "alerts");
        assertEquals(TokenCheck.Outcome.MISSING_ROLE, elsewhere.outcome());
        assertTrue(elsewhere.reason().contains("Azure Service Bus Data Sender"), elsewhere.reason());

        // the sync path wraps MSAL's MsalServiceException (its message: Entra ID's error_description)
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> token(Credentials.clientSecret(idp, APP, "wrong"), SB_SCOPE));
        assertTrue(chain(e).contains("AADSTS7000215"), chain(e));
        assertFalse(chain(e).contains(SECRET), "the secret never shows");
    }

    @Test
    void workloadIdentityCredentialExchangesTheFederatedTokenFile(@TempDir Path dir) throws Exception {
        Path file = idp.writeFederatedToken(WORKLOAD, dir.resolve("token"));
        AccessToken t = token(Credentials.workloadIdentity(idp, WORKLOAD, file), "https://eventgrid.azure.net/.default");
        assertTrue(idp.check(t.getToken(), Role.EVENT_GRID_DATA_SENDER, "twins").accepted());

        Files.writeString(dir.resolve("bad"), idp.federatedToken(WORKLOAD, Duration.ofSeconds(-5)));
        RuntimeException e = assertThrows(RuntimeException.class, () -> token(
                Credentials.workloadIdentity(idp, WORKLOAD, dir.resolve("bad")), "https://eventgrid.azure.net/.default"));
        assertTrue(chain(e).contains("AADSTS700024"), chain(e));
    }

    @Test
    void revokedRoleAndEarlyExpiryAreRefusedForTokensStillInTheirLifetime() {
        AccessToken t = token(Credentials.clientSecret(idp, APP, SECRET), SB_SCOPE);
        idp.revokeRole(APP, Role.SERVICE_BUS_DATA_SENDER, "orders");
        try {
            assertEquals(TokenCheck.Outcome.MISSING_ROLE,
                    idp.check(t.getToken(), Role.SERVICE_BUS_DATA_SENDER, "orders").outcome());
        } finally {
            idp.assignRole(APP, Role.SERVICE_BUS_DATA_SENDER, "orders");
        }
        assertTrue(idp.check(t.getToken(), Role.SERVICE_BUS_DATA_SENDER, "orders").accepted(), "restored");
        idp.expireIssuedTokens();
        TokenCheck expired = idp.check(t.getToken(), Role.SERVICE_BUS_DATA_SENDER, "orders");
        assertEquals(TokenCheck.Outcome.INVALID_TOKEN, expired.outcome());
        assertTrue(expired.reason().startsWith("ExpiredToken"), expired.reason());
    }

    /** Every message in the cause chain. */
    static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append(" | ");
        }
        return b.toString();
    }
}
