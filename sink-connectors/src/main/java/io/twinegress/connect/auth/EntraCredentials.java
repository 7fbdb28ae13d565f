package io.twinegress.connect.auth;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.AzureAuthorityHosts;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.identity.WorkloadIdentityCredentialBuilder;

import java.util.Locale;
import java.util.Set;

/**
 * Builds the {@code azure-identity} credential a connector's {@link EntraSettings} name. The library
 * gets, caches and refreshes the tokens; nothing here speaks a token protocol.
 *
 * <p>Each call builds a new credential, so a caller that was refused a token gets a new one from
 * the identity provider rather than the same cached token again (for a managed identity the
 * library keeps one token cache per process, so there the cached token may come back until it
 * nears its expiry).
 *
 * <p>Instance discovery (the library asking {@code login.microsoftonline.com} whether it knows the
 * authority) stays on for the Azure clouds and is turned off for any other {@code entra.authority.host}
 * (an authority the public cloud does not know, such as a local identity provider), where it would
 * otherwise refuse the authority.
 */
public final class EntraCredentials {

    private static final Set<String> AZURE_CLOUDS = Set.of(
        strip(AzureAuthorityHosts.AZURE_PUBLIC_CLOUD), strip(AzureAuthorityHosts.AZURE_CHINA),
        strip(AzureAuthorityHosts.AZURE_GOVERNMENT));

    private EntraCredentials() {
    }

    public static TokenCredential build(EntraSettings s) {
        boolean custom = !s.authorityHost().isEmpty();
        boolean discovery = !custom || AZURE_CLOUDS.contains(strip(s.authorityHost()));
        return switch (s.kind()) {
            case MANAGED_IDENTITY -> {
                ManagedIdentityCredentialBuilder b = new ManagedIdentityCredentialBuilder();
                s.clientIdIfSet().ifPresent(b::clientId);
                yield b.build();
            }
            case WORKLOAD_IDENTITY -> {
                WorkloadIdentityCredentialBuilder b = new WorkloadIdentityCredentialBuilder()
                    .clientId(s.clientId()).tenantId(s.tenantId());
                if (!s.tokenFile().isEmpty()) {
                    b.tokenFilePath(s.tokenFile());
                }
                if (custom) {
                    b.authorityHost(s.authorityHost());
                }
                if (!discovery) {
                    b.disableInstanceDiscovery();
                }
                yield b.build();
            }
            case CLIENT_SECRET -> {
                ClientSecretCredentialBuilder b = new ClientSecretCredentialBuilder()
                    .clientId(s.clientId()).tenantId(s.tenantId()).clientSecret(s.clientSecret().value());
                if (custom) {
                    b.authorityHost(s.authorityHost());
                }
                if (!discovery) {
                    b.disableInstanceDiscovery();
                }
                yield b.build();
            }
            case DEFAULT -> {
                DefaultAzureCredentialBuilder b = new DefaultAzureCredentialBuilder();
                s.clientIdIfSet().ifPresent(id -> b.managedIdentityClientId(id).workloadIdentityClientId(id));
                if (!s.tenantId().isEmpty()) {
                    b.tenantId(s.tenantId());
                }
                if (custom) {
                    b.authorityHost(s.authorityHost());
                }
                if (!discovery) {
                    b.disableInstanceDiscovery();
                }
                yield b.build();
            }
        };
    }

    private static String strip(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        while (h.endsWith("/")) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }
}
