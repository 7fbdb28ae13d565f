package io.twinegress.router.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;

/**
 * Reads the router's configuration: one Java properties file, then environment variables on top.
 *
 * <p>Environment mapping: a variable named {@value #ENV_PREFIX} + the key upper-cased, with
 * {@code .} written as {@code _} and {@code -} as {@code __}, sets that key, e.g.
 * {@code TWIN_ROUTER_BOOTSTRAP_SERVERS} sets {@code bootstrap.servers} and
 * {@code TWIN_ROUTER_TWIN_DLQ_TOPIC} sets {@code twin.dlq.topic}. Environment wins over the file.
 */
public final class ConfigLoader {

    public static final String ENV_PREFIX = "TWIN_ROUTER_";

    private ConfigLoader() {
    }

    /**
     * @param file the properties file, or null for environment only
     * @param env  the environment (System.getenv() in production)
     */
    public static Properties load(Path file, Map<String, String> env) {
        Properties props = new Properties();
        if (file != null) {
            try (InputStream in = Files.newInputStream(file)) {
                props.load(in);
            } catch (NoSuchFileException e) {
                throw new ConfigException("Configuration file " + file + " does not exist");
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read configuration file " + file, e);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("Configuration file " + file + " is not a valid properties file: " + e.getMessage());
            }
        }
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                props.setProperty(keyOf(name), value);
            }
        });
        // Values from a file often carry stray whitespace; keys never do.
        props.replaceAll((k, v) -> v instanceof String s ? s.trim() : v);
        return props;
    }

    /** {@code TWIN_ROUTER_TWIN_DLQ_TOPIC} → {@code twin.dlq.topic}. */
    public static String keyOf(String envName) {
        String rest = envName.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
        return rest.replace("__", "\u0000").replace('_', '.').replace('\u0000', '-');
    }

    /** {@code twin.dlq.topic} → {@code TWIN_ROUTER_TWIN_DLQ_TOPIC}. */
    public static String envOf(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace("-", "__").replace('.', '_');
    }
}
