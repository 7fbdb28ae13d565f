package io.twinegress.cli.connect;

import io.twinegress.cli.output.Secret;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A connector config with its secrets kept apart: {@link #toString()} and {@link #describe()}
 * never show them; {@link #toRequest()} is the one place they are revealed, for the Connect REST API.
 */
public final class ConnectorConfig {

    private final Map<String, String> plain;
    private final Map<String, Secret> secrets;

    public ConnectorConfig(Map<String, String> plain, Map<String, Secret> secrets) {
        this.plain = new LinkedHashMap<>(plain);
        this.secrets = new LinkedHashMap<>(secrets);
        this.secrets.keySet().forEach(this.plain::remove);
    }

    /**
     * A config as Connect's REST API shows it: the connection strings become secrets (masked from
     * now on), unless they are ConfigProvider references.
     */
    public static ConnectorConfig fromConnect(Map<String, String> stored) {
        Map<String, String> plain = new LinkedHashMap<>();
        Map<String, Secret> secrets = new LinkedHashMap<>();
        stored.forEach((key, value) -> {
            if (key.equals(ConnectorConfigs.CONNECTION_STRING) || key.equals(ConnectorConfigs.SECONDARY_CONNECTION_STRING)) {
                secrets.put(key, Secret.fromConnect(value));
            } else {
                plain.put(key, value);
            }
        });
        return new ConnectorConfig(plain, secrets);
    }

    public Map<String, String> plain() {
        return Map.copyOf(plain);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(plain.get(key));
    }

    public Optional<Secret> secret(String key) {
        return Optional.ofNullable(secrets.get(key));
    }

    /** A copy with {@code key} set to {@code value} (a secret). */
    public ConnectorConfig withSecret(String key, Secret value) {
        Map<String, Secret> s = new LinkedHashMap<>(secrets);
        s.put(key, value);
        return new ConnectorConfig(plain, s);
    }

    /** The request body for {@code PUT /connectors/<name>/config} and {@code .../config/validate}. */
    public Map<String, String> toRequest() {
        Map<String, String> out = new LinkedHashMap<>(plain);
        secrets.forEach((k, v) -> out.put(k, v.reveal()));
        return out;
    }

    /** Every key, secrets shown as {@code [hidden]} or as their ConfigProvider reference. */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>(plain);
        secrets.forEach((k, v) -> out.put(k, v.isReference() ? v.reveal() : "[hidden]"));
        return out;
    }

    @Override
    public String toString() {
        return describe().toString();
    }
}
