package io.twinegress.connect.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.common.config.types.Password;

/**
 * A Service Bus / Event Hubs connection string in the Azure portal's format:
 * {@code Endpoint=sb://<namespace>/;SharedAccessKeyName=<name>;SharedAccessKey=<key>[;EntityPath=<name>]}
 * (or {@code SharedAccessSignature=<token>} instead of the name and key, and
 * {@code UseDevelopmentEmulator=true} for a local plain-TCP endpoint).
 *
 * <p>Parsing checks the shape only, so {@code Connector.validate()} can report mistakes on their
 * key before a task starts. The error texts are the {@code ERROR_*} constants: they never
 * contain any part of the value, which may hold a key. The original {@link Password} is kept and
 * handed to the SDK unchanged by {@link #sdkConnectionString()}; {@link #toString()} omits it.
 */
public final class ConnectionString {

    public static final String ERROR_EMPTY = "The connection string is empty.";
    public static final String ERROR_FORMAT =
        "Not a connection string: expected key=value pairs separated by ';', like "
            + "'Endpoint=sb://<namespace>/;SharedAccessKeyName=<name>;SharedAccessKey=<key>'.";
    public static final String ERROR_UNKNOWN_PART =
        "The connection string has a part that is not one of Endpoint, SharedAccessKeyName, SharedAccessKey, "
            + "SharedAccessSignature, EntityPath, UseDevelopmentEmulator.";
    public static final String ERROR_DUPLICATE_PART = "The connection string names the same part twice.";
    public static final String ERROR_NO_ENDPOINT = "The connection string has no Endpoint=sb://<namespace>/.";
    public static final String ERROR_BAD_ENDPOINT = "The connection string's Endpoint is not an sb://<host>[:<port>]/ address.";
    public static final String ERROR_NO_CREDENTIALS =
        "The connection string has neither SharedAccessKeyName and SharedAccessKey nor SharedAccessSignature.";
    public static final String ERROR_NO_KEY = "The connection string has a SharedAccessKeyName but no SharedAccessKey.";
    public static final String ERROR_NO_KEY_NAME = "The connection string has a SharedAccessKey but no SharedAccessKeyName.";
    public static final String ERROR_BAD_EMULATOR_FLAG = "The connection string's UseDevelopmentEmulator must be true or false.";

    private final Password original;
    private final String host;
    private final int port;
    private final String keyName;
    private final String entityPath;
    private final boolean developmentEmulator;

    private ConnectionString(Password original, String host, int port, String keyName, String entityPath,
                             boolean developmentEmulator) {
        this.original = original;
        this.host = host;
        this.port = port;
        this.keyName = keyName;
        this.entityPath = entityPath;
        this.developmentEmulator = developmentEmulator;
    }

    /** Parses and checks; throws {@link InvalidConnectionStringException} with an {@code ERROR_*} text. */
    public static ConnectionString parse(Password value) {
        if (value == null || value.value() == null || value.value().isBlank()) {
            throw new InvalidConnectionStringException(ERROR_EMPTY);
        }
        String endpoint = null;
        String keyName = null;
        String key = null;
        String signature = null;
        String entityPath = null;
        String emulator = null;
        for (String part : value.value().split(";")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new InvalidConnectionStringException(ERROR_FORMAT);
            }
            String name = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String v = p.substring(eq + 1).trim();
            switch (name) {
                case "endpoint" -> endpoint = once(endpoint, v);
                case "sharedaccesskeyname" -> keyName = once(keyName, v);
                case "sharedaccesskey" -> key = once(key, v);
                case "sharedaccesssignature" -> signature = once(signature, v);
                case "entitypath" -> entityPath = once(entityPath, v);
                case "usedevelopmentemulator" -> emulator = once(emulator, v);
                default -> throw new InvalidConnectionStringException(ERROR_UNKNOWN_PART);
            }
        }
        if (endpoint == null || endpoint.isEmpty()) {
            throw new InvalidConnectionStringException(ERROR_NO_ENDPOINT);
        }
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            throw new InvalidConnectionStringException(ERROR_BAD_ENDPOINT);
        }
        if (!"sb".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new InvalidConnectionStringException(ERROR_BAD_ENDPOINT);
        }
        boolean hasName = keyName != null && !keyName.isEmpty();
        boolean hasKey = key != null && !key.isEmpty();
        boolean hasSignature = signature != null && !signature.isEmpty();
        if (hasName && !hasKey) {
            throw new InvalidConnectionStringException(ERROR_NO_KEY);
        }
        if (hasKey && !hasName) {
            throw new InvalidConnectionStringException(ERROR_NO_KEY_NAME);
        }
        if (!hasName && !hasSignature) {
            throw new InvalidConnectionStringException(ERROR_NO_CREDENTIALS);
        }
        boolean dev = false;
        if (emulator != null) {
            if (!emulator.equalsIgnoreCase("true") && !emulator.equalsIgnoreCase("false")) {
                throw new InvalidConnectionStringException(ERROR_BAD_EMULATOR_FLAG);
            }
            dev = emulator.equalsIgnoreCase("true");
        }
        return new ConnectionString(value, uri.getHost(), uri.getPort(), hasName ? keyName : null,
            entityPath == null || entityPath.isEmpty() ? null : entityPath, dev);
    }

    /** The check {@code validate()} runs: the error text, or empty when the value parses. */
    public static Optional<String> check(Password value) {
        try {
            parse(value);
            return Optional.empty();
        } catch (InvalidConnectionStringException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static String once(String previous, String value) {
        if (previous != null) {
            throw new InvalidConnectionStringException(ERROR_DUPLICATE_PART);
        }
        return value;
    }

    /** The namespace host, e.g. {@code contoso.servicebus.windows.net} or {@code 127.0.0.1}. */
    public String host() {
        return host;
    }

    /** The port from the Endpoint, or -1. */
    public int port() {
        return port;
    }

    /** The SAS policy name (not secret), when the string uses a key rather than a signature. */
    public Optional<String> keyName() {
        return Optional.ofNullable(keyName);
    }

    public Optional<String> entityPath() {
        return Optional.ofNullable(entityPath);
    }

    public boolean developmentEmulator() {
        return developmentEmulator;
    }

    /** The value to hand to the SDK's builder, and nowhere else. */
    public String sdkConnectionString() {
        return original.value();
    }

    @Override
    public String toString() {
        return "ConnectionString[host=" + host + (port > 0 ? ":" + port : "")
            + (keyName != null ? ", keyName=" + keyName : "")
            + (entityPath != null ? ", entityPath=" + entityPath : "") + ", key=[hidden]]";
    }

    /** A malformed connection string; the message is one of the {@code ERROR_*} constants. */
    public static final class InvalidConnectionStringException extends IllegalArgumentException {
        public InvalidConnectionStringException(String message) {
            super(message);
        }
    }
}
