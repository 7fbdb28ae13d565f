package io.twinegress.connect.eventgrid;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.SimpleTokenCache;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.ClientAuthenticationException;

import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * What authenticates one Event Grid publish request: the key (in the header {@link EventGridTarget}
 * names for the target), or a Microsoft Entra ID token in {@code Authorization: Bearer}. The secret goes into the header and
 * nowhere else.
 */
@FunctionalInterface
public interface RequestAuthorization {

    /** The header name of a bearer token. */
    String AUTHORIZATION_HEADER = "Authorization";

    /** Adds the request's authentication header. */
    void addTo(HttpRequest.Builder request) throws HttpTimeoutException;

    /**
     * A token of {@code credential} for {@value EventGridSinkConfig#ENTRA_SCOPE}, held by the SDK's
     * {@link SimpleTokenCache}: asked for once, then again shortly before it expires, never per request.
     * Waits at most {@code timeout} for a token; past that the request fails as a timeout (the task
     * backs off and retries).
     */
    static RequestAuthorization bearer(TokenCredential credential, Duration timeout) {
        TokenRequestContext scope = new TokenRequestContext().addScopes(EventGridSinkConfig.ENTRA_SCOPE);
        SimpleTokenCache tokens = new SimpleTokenCache(() -> credential.getToken(scope));
        return request -> {
            AccessToken token;
            try {
                token = tokens.getToken().block(timeout);
            } catch (IllegalStateException e) {
                if (e.getCause() instanceof TimeoutException) {
                    throw new HttpTimeoutException("no token from the identity provider within " + timeout.toMillis() + " ms");
                }
                throw e;
            }
            if (token == null) {
                throw new ClientAuthenticationException("the credential returned no token", null);
            }
            request.header(AUTHORIZATION_HEADER, "Bearer " + token.getToken());
        };
    }
}
