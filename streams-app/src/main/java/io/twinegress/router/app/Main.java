package io.twinegress.router.app;

import io.twinegress.router.config.ConfigLoader;
import io.twinegress.router.config.RouterConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@code java -jar twin-egress-router.jar router.properties}: one properties file (optional when
 * the environment carries the configuration, see {@link ConfigLoader}). Exit codes: 0 after a
 * clean stop, 2 for a bad or missing configuration, 1 when the router cannot start or Kafka
 * Streams fails for good. SIGTERM closes Kafka Streams cleanly (commit, leave the group) within
 * {@code twin.shutdown.timeout.ms}.
 */
public final class Main {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_CONFIG = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream err) {
        if (args.length > 1 || (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help")))) {
            err.println("Usage: java -jar twin-egress-router.jar [router.properties]");
            err.println("Environment variables " + ConfigLoader.ENV_PREFIX + "<KEY> override the file "
                    + "(key upper-cased, '.' as '_', '-' as '__'). See docs/router.md.");
            return args.length > 1 ? EXIT_CONFIG : EXIT_OK;
        }
        RouterConfig config;
        try {
            Properties props = ConfigLoader.load(args.length == 1 ? Path.of(args[0]) : null, env);
            config = new RouterConfig(props);
        } catch (ConfigException e) {
            err.println("Configuration error: " + e.getMessage());
            return EXIT_CONFIG;
        } catch (RuntimeException e) {
            err.println("Configuration error: " + e);
            return EXIT_CONFIG;
        }

        RouterApp app;
        try {
            app = RouterApp.start(config);
        } catch (TopicBootstrap.TopicSetupException | RouterApp.HealthEndpointException | KafkaException e) {
            err.println("The router cannot start: " + e.getMessage());
            return EXIT_FAILED;
        }
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            app.close();
            closed.countDown();
        }, "twin-egress-router-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            KafkaStreams.State end = app.terminated().get();
            if (end == KafkaStreams.State.ERROR) {
                err.println("Kafka Streams failed; the router stops (see the log above)");
                Runtime.getRuntime().removeShutdownHook(hook);
                app.close();
                return EXIT_FAILED;
            }
            closed.await();
            return EXIT_OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_FAILED;
        } catch (ExecutionException e) {
            return EXIT_FAILED;
        }
    }
}
