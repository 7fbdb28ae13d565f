package io.twinegress.connect.auth;

import java.util.Optional;
import org.apache.kafka.common.config.types.Password;

/**
 * What a connector's {@code entra.*} keys say about its identity. The secret stays a {@link Password}
 * until {@link EntraCredentials} hands it to the SDK; {@link #toString()} and {@link #identity()}
 * never show it.
 *
 * @param kind          which credential
 * @param clientId      the user-assigned identity's or app registration's client id; empty for a
 *                      system-assigned managed identity (or the default chain's own choice)
 * @param tenantId      the directory (tenant) id; empty where the credential does not need one
 * @param clientSecret  the app registration's secret ({@code client-secret} only), else null
 * @param authorityHost the Entra ID authority, e.g. {@code https://login.microsoftonline.us}; empty = public cloud
 * @param tokenFile     the federated token file ({@code workload-identity}); empty = {@code AZURE_FEDERATED_TOKEN_FILE}
 */
public record EntraSettings(EntraCredentialKind kind, String clientId, String tenantId, Password clientSecret,
                            String authorityHost, String tokenFile) {

    public EntraSettings {
        clientId = clientId == null ? "" : clientId.trim();
        tenantId = tenantId == null ? "" : tenantId.trim();
        authorityHost = authorityHost == null ? "" : authorityHost.trim();
        tokenFile = tokenFile == null ? "" : tokenFile.trim();
    }

    public Optional<String> clientIdIfSet() {
        return clientId.isEmpty() ? Optional.empty() : Optional.of(clientId);
    }

    /**
     * The identity as an operator finds it in the portal, for log lines: the kind and the client id
     * (never a secret or a token), e.g. {@code identity 5e1f...a1 (managed-identity)}, or
     * {@code managed-identity (system-assigned)} without a client id.
     */
    public String identity() {
        if (!clientId.isEmpty()) {
            return "identity " + clientId + " (" + kind + ")";
        }
        return switch (kind) {
            case MANAGED_IDENTITY -> "system-assigned managed identity";
            case DEFAULT -> "identity of the default credential chain";
            default -> kind + " identity (no client id set)";
        };
    }

    @Override
    public String toString() {
        return "EntraSettings[" + identity() + (tenantId.isEmpty() ? "" : ", tenant " + tenantId) + "]";
    }
}
