package io.twinegress.emulators;

import io.twinegress.emulators.admin.AdminServer;
import io.twinegress.emulators.admin.EmulatorConfig;
import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.eventgrid.EventGridEmulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar twin-egress-emulators.jar [emulators.properties] [key=value ...]}: starts the
 * AMQP stand-in (Service Bus, Event Hubs), the Event Grid stand-in and the admin API on loopback,
 * prints one {@code READY} line with the ports, and runs until SIGTERM / Ctrl-C.
 */
public final class EmulatorsMain {

    static {
        // The runnable jar ships its own log4j2 configuration under a name that cannot shadow a
        // log4j2.xml of whoever has this module on a test classpath. Set before any logger exists.
        if (System.getProperty("log4j2.configurationFile") == null
                && System.getProperty("log4j.configurationFile") == null
                && EmulatorsMain.class.getResource("/twin-egress-emulators-log4j2.xml") != null) {
            System.setProperty("log4j2.configurationFile", "classpath:twin-egress-emulators-log4j2.xml");
        }
        if (System.getProperty("log4j.shutdownHookEnabled") == null) {
            // our shutdown hook logs the stops; log4j's own hook would have closed the appenders first
            System.setProperty("log4j.shutdownHookEnabled", "false");
        }
    }

    private EmulatorsMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("-h") || args[0].equals("--help"))) {
            System.out.println("usage: java -jar twin-egress-emulators.jar [emulators.properties] [key=value ...]"
                    + "\nsee docs/emulators.md for the keys and the admin API");
            return;
        }
        AmqpEmulator amqp;
        EventGridEmulator eventGrid;
        AdminServer admin;
        EmulatorConfig config;
        try {
            config = EmulatorConfig.fromArgs(args);
            amqp = config.amqpEnabled() ? config.amqp().start() : null;
            eventGrid = config.eventGridEnabled() ? config.eventGrid().start() : null;
            admin = new AdminServer(config.host(), config.adminPort(), amqp, eventGrid);
        } catch (IllegalArgumentException | IOException e) {
            // a bad setting (unknown key, missing keys, a host that is not loopback): say which, start nothing
            System.err.println("twin-egress-emulators: " + e.getMessage());
            System.exit(2);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            admin.close();
            if (eventGrid != null) {
                eventGrid.close();
            }
            if (amqp != null) {
                amqp.close();
            }
            stopped.countDown();
        }, "emulators-shutdown"));

        String ready = "READY amqp=" + (amqp == null ? "-" : amqp.port())
                + " eventgrid=" + (eventGrid == null ? "-" : eventGrid.port())
                + " admin=" + admin.port();
        System.out.println(ready);
        if (amqp != null) {
            System.out.println("Service Bus / Event Hubs: Endpoint=" + amqp.endpoint()
                    + ";SharedAccessKeyName=<keyName>;SharedAccessKey=<key>;UseDevelopmentEmulator=true");
        }
        if (eventGrid != null) {
            eventGrid.topics().forEach(t -> System.out.println("Event Grid topic " + t + ": " + eventGrid.endpoint(t)));
        }
        Path readyFile = config.readyFile();
        if (readyFile != null) {
            String json = "{\"amqp\":" + (amqp == null ? "null" : amqp.port())
                    + ",\"eventgrid\":" + (eventGrid == null ? "null" : eventGrid.port())
                    + ",\"admin\":" + admin.port() + "}\n";
            Path tmp = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
            Files.writeString(tmp, json, StandardCharsets.UTF_8);
            Files.move(tmp, readyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        stopped.await();
    }
}
