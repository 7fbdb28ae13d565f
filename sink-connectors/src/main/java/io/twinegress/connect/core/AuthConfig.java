package io.twinegress.connect.core;

import io.twinegress.connect.auth.AuthMode;
import io.twinegress.connect.auth.EntraCredentialKind;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The authentication keys every connector shares: {@code auth.mode} and the Microsoft Entra ID
 * identity ({@code entra.*}), plus, for the two AMQP connectors, the {@code namespace} an identity
 * connects to (a key carries it in its connection string). Which keys a mode needs is checked
 * across fields by {@link #validate}, each error on the key it concerns.
 */
public final class AuthConfig {

    public static final String AUTH_GROUP = "Authentication";

    public static final String AUTH_MODE_CONFIG = "auth.mode";
    public static final String AUTH_MODE_DEFAULT = AuthMode.CONNECTION_STRING.value();
    public static final String AUTH_MODE_DOC =
        "How the connector authenticates. connection-string (the default): the shared access keys in "
            + "connection.string and secondary.connection.string, with failover between them. entra-id: a Microsoft "
            + "Entra ID identity (entra.credential and the entra.* keys) holding the target's data-sender role; no "
            + "connection string is given, and there is no key to fail over to: a refused identity is held and retried "
            + "with backoff until its role is granted.";

    public static final String NAMESPACE_CONFIG = "namespace";
    public static final String NAMESPACE_DISPLAY = "Namespace";

    public static final String CUSTOM_ENDPOINT_CONFIG = "custom.endpoint.address";
    public static final String CUSTOM_ENDPOINT_DOC =
        "auth.mode=entra-id only: where to open the AMQP connection instead of the namespace's own host, e.g. an "
            + "Application Gateway or a private endpoint in front of the namespace (https://host[:port]). The namespace "
            + "still names the resource the tokens are for. Empty (the default): the namespace's host, port 5671.";

    public static final String ENTRA_CREDENTIAL_CONFIG = "entra.credential";
    public static final String ENTRA_CREDENTIAL_DOC =
        "auth.mode=entra-id: which credential gets the tokens. managed-identity: the host's managed identity (VM, App "
            + "Service, Container Apps; system-assigned, or the user-assigned one named by entra.client.id). "
            + "workload-identity: a Kubernetes service account federated with an app registration (AKS workload identity: "
            + "entra.client.id, entra.tenant.id, the token file). client-secret: an app registration (service principal) "
            + "with entra.client.id, entra.tenant.id and entra.client.secret. default: the Azure SDK's "
            + "DefaultAzureCredential chain (environment, workload identity, managed identity, developer tools), with "
            + "entra.client.id as its managed/workload identity client id when set. Tokens are cached and refreshed "
            + "before they expire by the Azure identity library.";

    public static final String ENTRA_CLIENT_ID_CONFIG = "entra.client.id";
    public static final String ENTRA_CLIENT_ID_DOC =
        "The client (application) id of the user-assigned managed identity or of the app registration. Empty for a "
            + "system-assigned managed identity. Required for workload-identity and client-secret.";

    public static final String ENTRA_TENANT_ID_CONFIG = "entra.tenant.id";
    public static final String ENTRA_TENANT_ID_DOC =
        "The directory (tenant) id of the app registration. Required for workload-identity and client-secret.";

    public static final String ENTRA_CLIENT_SECRET_CONFIG = "entra.client.secret";
    public static final String ENTRA_CLIENT_SECRET_DOC =
        "client-secret only: the app registration's client secret. Keep it out of the connector config with a "
            + "ConfigProvider, e.g. ${file:/etc/twin-egress/entra.properties:secret} or ${env:ENTRA_CLIENT_SECRET}.";

    public static final String ENTRA_AUTHORITY_HOST_CONFIG = "entra.authority.host";
    public static final String ENTRA_AUTHORITY_HOST_DOC =
        "The Entra ID authority, e.g. https://login.microsoftonline.us (Azure Government) or "
            + "https://login.chinacloudapi.cn. Empty (the default): the public cloud, https://login.microsoftonline.com/. "
            + "For an authority that is not an Azure cloud's, the library's instance discovery is turned off.";

    public static final String ENTRA_TOKEN_FILE_CONFIG = "entra.token.file";
    public static final String ENTRA_TOKEN_FILE_DOC =
        "workload-identity only: the file holding the service account's federated token. Empty (the default): the "
            + "file named by AZURE_FEDERATED_TOKEN_FILE, which the AKS workload identity webhook sets.";

    // ---- errors (each on the key it names) ------------------------------------------------------
    public static final String ERROR_MODE = "auth.mode must be connection-string or entra-id.";
    public static final String ERROR_CONNECTION_STRING_WITH_ENTRA =
        "A connection string is not used with auth.mode=entra-id: remove it (the identity authenticates, not a key), "
            + "or set auth.mode=connection-string.";
    public static final String ERROR_NO_NAMESPACE =
        "auth.mode=entra-id needs namespace: the fully qualified namespace, e.g. myns.servicebus.windows.net.";
    public static final String ERROR_BAD_NAMESPACE =
        "namespace is the fully qualified host name only (e.g. myns.servicebus.windows.net): no scheme, port or path.";
    public static final String ERROR_BAD_CUSTOM_ENDPOINT =
        "custom.endpoint.address must be an https:// URL with a host (and optional port).";
    public static final String ERROR_NO_CREDENTIAL =
        "auth.mode=entra-id needs entra.credential: managed-identity, workload-identity, client-secret or default.";
    public static final String ERROR_BAD_CREDENTIAL =
        "entra.credential must be managed-identity, workload-identity, client-secret or default.";
    public static final String ERROR_NO_CLIENT_ID =
        "entra.credential=%s needs entra.client.id: the app registration's client (application) id.";
    public static final String ERROR_NO_TENANT_ID =
        "entra.credential=%s needs entra.tenant.id: the directory (tenant) id of the app registration.";
    public static final String ERROR_NO_CLIENT_SECRET =
        "entra.credential=client-secret needs entra.client.secret: the app registration's client secret.";
    public static final String ERROR_SECRET_UNUSED =
        "entra.client.secret is used only with entra.credential=client-secret: remove it.";
    public static final String ERROR_BAD_AUTHORITY =
        "entra.authority.host must be an https:// URL with a host, e.g. https://login.microsoftonline.us.";

    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");

    private AuthConfig() {
    }

    /** The format a connector's key must satisfy per mode; checked by {@link #validate}, not by a key's own validator. */
    static final class ModeValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (AuthMode.of(value == null ? null : value.toString()).isEmpty()) {
                throw new ConfigException(ERROR_MODE);
            }
        }

        @Override
        public String toString() {
            return Arrays.stream(AuthMode.values()).map(AuthMode::value).collect(Collectors.joining(", "));
        }
    }

    static final class CredentialValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String v = value == null ? "" : value.toString().trim();
            if (!v.isEmpty() && EntraCredentialKind.of(v).isEmpty()) {
                throw new ConfigException(ERROR_BAD_CREDENTIAL);
            }
        }

        @Override
        public String toString() {
            return Arrays.stream(EntraCredentialKind.values()).map(EntraCredentialKind::value)
                .collect(Collectors.joining(", ")) + " (auth.mode=entra-id)";
        }
    }

    /** Adds {@code auth.mode} and the {@code entra.*} keys as the group {@value #AUTH_GROUP}. */
    public static ConfigDef addAuthGroup(ConfigDef def) {
        int order = 0;
        return def
            .define(AUTH_MODE_CONFIG, Type.STRING, AUTH_MODE_DEFAULT, new ModeValidator(), Importance.HIGH, AUTH_MODE_DOC,
                AUTH_GROUP, ++order, Width.SHORT, "Authentication mode")
            .define(ENTRA_CREDENTIAL_CONFIG, Type.STRING, "", new CredentialValidator(), Importance.HIGH,
                ENTRA_CREDENTIAL_DOC, AUTH_GROUP, ++order, Width.SHORT, "Entra ID credential")
            .define(ENTRA_CLIENT_ID_CONFIG, Type.STRING, "", Importance.HIGH, ENTRA_CLIENT_ID_DOC,
                AUTH_GROUP, ++order, Width.MEDIUM, "Client id")
            .define(ENTRA_TENANT_ID_CONFIG, Type.STRING, "", Importance.MEDIUM, ENTRA_TENANT_ID_DOC,
                AUTH_GROUP, ++order, Width.MEDIUM, "Tenant id")
            .define(ENTRA_CLIENT_SECRET_CONFIG, Type.PASSWORD, null, Importance.HIGH, ENTRA_CLIENT_SECRET_DOC,
                AUTH_GROUP, ++order, Width.LONG, "Client secret")
            .define(ENTRA_AUTHORITY_HOST_CONFIG, Type.STRING, "", Importance.LOW, ENTRA_AUTHORITY_HOST_DOC,
                AUTH_GROUP, ++order, Width.MEDIUM, "Authority host")
            .define(ENTRA_TOKEN_FILE_CONFIG, Type.STRING, "", Importance.LOW, ENTRA_TOKEN_FILE_DOC,
                AUTH_GROUP, ++order, Width.LONG, "Federated token file");
    }

    /**
     * Adds {@code namespace} and {@code custom.endpoint.address} to the connection group, after its
     * shared keys: what an AMQP connector connects to with an identity.
     */
    public static ConfigDef addNamespace(ConfigDef def, String namespaceDoc) {
        return def
            .define(NAMESPACE_CONFIG, Type.STRING, "", Importance.HIGH, namespaceDoc,
                DeliveryConfig.CONNECTION_GROUP, 10, Width.MEDIUM, NAMESPACE_DISPLAY)
            .define(CUSTOM_ENDPOINT_CONFIG, Type.STRING, "", Importance.LOW, CUSTOM_ENDPOINT_DOC,
                DeliveryConfig.CONNECTION_GROUP, 11, Width.MEDIUM, "Custom endpoint address");
    }

    /** The mode of a connector config, raw or parsed; the default when unset or unknown. */
    public static AuthMode mode(Map<String, ?> props) {
        Object v = props.get(AUTH_MODE_CONFIG);
        return AuthMode.of(v == null ? null : v.toString()).orElse(AuthMode.CONNECTION_STRING);
    }

    /**
     * Cross-field checks of the mode's keys, run after every key parsed on its own. In
     * connection-string mode: {@code connection.string} is given. In entra-id mode: no connection
     * string; {@code namespace} when {@code needsNamespace}; {@code entra.credential} and what it
     * needs. Every error goes on the key it names; none shows a value.
     */
    public static void validate(Map<String, String> props, Map<String, ConfigValue> values, boolean needsNamespace) {
        ConfigValue mode = values.get(AUTH_MODE_CONFIG);
        if (mode == null || !mode.errorMessages().isEmpty()) {
            return;
        }
        ConfigValue primary = values.get(DeliveryConfig.CONNECTION_STRING_CONFIG);
        ConfigValue secondary = values.get(DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG);
        if (mode(props) == AuthMode.CONNECTION_STRING) {
            if (primary.errorMessages().isEmpty() && !DeliveryConfig.isGiven(primary.value())) {
                primary.addErrorMessage(ConnectionString.ERROR_EMPTY);
            }
            return;
        }
        for (ConfigValue key : new ConfigValue[] {primary, secondary}) {
            if (DeliveryConfig.isGiven(key.value())) {
                key.errorMessages().clear(); // its format does not matter: it must go
                key.addErrorMessage(ERROR_CONNECTION_STRING_WITH_ENTRA);
            }
        }
        if (needsNamespace) {
            namespaceError(text(props, NAMESPACE_CONFIG)).ifPresent(values.get(NAMESPACE_CONFIG)::addErrorMessage);
            String custom = text(props, CUSTOM_ENDPOINT_CONFIG);
            if (!custom.isEmpty() && !isHttpsUrl(custom)) {
                values.get(CUSTOM_ENDPOINT_CONFIG).addErrorMessage(ERROR_BAD_CUSTOM_ENDPOINT);
            }
        }
        ConfigValue credential = values.get(ENTRA_CREDENTIAL_CONFIG);
        if (!credential.errorMessages().isEmpty()) {
            return;
        }
        Optional<EntraCredentialKind> kind = EntraCredentialKind.of(text(props, ENTRA_CREDENTIAL_CONFIG));
        if (kind.isEmpty()) {
            credential.addErrorMessage(ERROR_NO_CREDENTIAL);
            return;
        }
        EntraCredentialKind k = kind.get();
        if (k == EntraCredentialKind.WORKLOAD_IDENTITY || k == EntraCredentialKind.CLIENT_SECRET) {
            if (text(props, ENTRA_CLIENT_ID_CONFIG).isEmpty()) {
                values.get(ENTRA_CLIENT_ID_CONFIG).addErrorMessage(String.format(ERROR_NO_CLIENT_ID, k));
            }
            if (text(props, ENTRA_TENANT_ID_CONFIG).isEmpty()) {
                values.get(ENTRA_TENANT_ID_CONFIG).addErrorMessage(String.format(ERROR_NO_TENANT_ID, k));
            }
        }
        ConfigValue secret = values.get(ENTRA_CLIENT_SECRET_CONFIG);
        boolean secretGiven = DeliveryConfig.isGiven(secret.value());
        if (k == EntraCredentialKind.CLIENT_SECRET && !secretGiven) {
            secret.addErrorMessage(ERROR_NO_CLIENT_SECRET);
        } else if (k != EntraCredentialKind.CLIENT_SECRET && secretGiven) {
            secret.addErrorMessage(ERROR_SECRET_UNUSED);
        }
        String authority = text(props, ENTRA_AUTHORITY_HOST_CONFIG);
        if (!authority.isEmpty() && !isHttpsUrl(authority)) {
            values.get(ENTRA_AUTHORITY_HOST_CONFIG).addErrorMessage(ERROR_BAD_AUTHORITY);
        }
    }

    static Optional<String> namespaceError(String namespace) {
        if (namespace.isEmpty()) {
            return Optional.of(ERROR_NO_NAMESPACE);
        }
        return HOST_NAME.matcher(namespace).matches() ? Optional.empty() : Optional.of(ERROR_BAD_NAMESPACE);
    }

    private static boolean isHttpsUrl(String value) {
        try {
            URI uri = new URI(value);
            return "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && !uri.getHost().isEmpty();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String text(Map<String, String> props, String key) {
        String v = props.get(key);
        return v == null ? "" : v.trim();
    }
}
