package io.twinegress.emulators.identity;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.identity.WorkloadIdentityCredentialBuilder;
import io.twinegress.emulators.tls.StandInTls;
import java.nio.file.Path;

/**
 * The real {@code azure-identity} credentials, each pointed explicitly at a local {@link IdentityProvider}:
 * authority host set, instance discovery off, the managed-identity variables through
 * {@link MsalEnvironment}. Nothing can reach a non-loopback address or the cloud metadata address.
 */
public final class Credentials {

    static {
        // before any TLS client exists in this JVM: reactor-netty builds its default context once
        StandInTls.shared().trustInThisJvm();
    }

    private Credentials() {
    }

    /** Makes this JVM trust the stand-ins' shared certificate (idempotent). */
    public static void trustStandIns() {
        // the static block did it
    }

    public static TokenCredential managedIdentity(IdentityProvider idp, String clientId) {
        MsalEnvironment.pointAt(idp);
        return new ManagedIdentityCredentialBuilder().clientId(clientId).build();
    }

    public static TokenCredential clientSecret(IdentityProvider idp, String clientId, String secret) {
        return new ClientSecretCredentialBuilder().authorityHost(idp.authorityHost()).tenantId(idp.tenantId())
                .clientId(clientId).clientSecret(secret).disableInstanceDiscovery().build();
    }

    public static TokenCredential workloadIdentity(IdentityProvider idp, String clientId, Path tokenFile) {
        return new WorkloadIdentityCredentialBuilder().authorityHost(idp.authorityHost()).tenantId(idp.tenantId())
                .clientId(clientId).tokenFilePath(tokenFile.toString()).disableInstanceDiscovery().build();
    }
}
