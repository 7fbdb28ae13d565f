package io.twinegress.connect.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Which {@code azure-identity} credential gets the tokens: {@code entra.credential}. */
public enum EntraCredentialKind {
    /** A managed identity of the host (VM, App Service, Container Apps): system-assigned, or user-assigned by client id. */
    MANAGED_IDENTITY("managed-identity"),
    /** A Kubernetes service account federated with an app registration (AKS workload identity): a token file. */
    WORKLOAD_IDENTITY("workload-identity"),
    /** An app registration (service principal) with a client secret. */
    CLIENT_SECRET("client-secret"),
    /** The SDK's DefaultAzureCredential chain: environment, workload identity, managed identity, developer tools. */
    DEFAULT("default");

    private final String value;

    EntraCredentialKind(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    /** The kind named by a config value (case and surrounding blanks ignored); empty for anything else. */
    public static Optional<EntraCredentialKind> of(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(k -> k.value.equals(v)).findFirst();
    }

    @Override
    public String toString() {
        return value;
    }
}
