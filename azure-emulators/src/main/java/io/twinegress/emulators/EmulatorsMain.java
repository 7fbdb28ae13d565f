package io.twinegress.emulators;

import io.twinegress.emulators.admin.AdminServer;
import io.twinegress.emulators.admin.EmulatorConfig;
import io.twinegress.emulators.amqp.AmqpEmulator;
import io.twinegress.emulators.eventgrid.EventGridEmulator;
import io.twinegress.emulators.identity.Identity;
import io.twinegress.emulators.identity.IdentityProvider;
import io.twinegress.emulators.tls.StandInTls;
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
        IdentityProvider identity;
        StandInTls tls;
        AdminServer admin;
        EmulatorConfig config;
        try {
            config = EmulatorConfig.fromArgs(args);
            tls = config.tls();
            identity = config.identityEnabled() ? config.identity(tls).start() : null;
            amqp = config.amqpEnabled() ? config.amqp(tls, identity).start() : null;
            eventGrid = config.eventGridEnabled() ? config.eventGrid(tls, identity).start() : null;
            admin = new AdminServer(config.host(), config.adminPort(), amqp, eventGrid, identity);
            if (identity != null) {
                for (Identity i : identity.identities()) {
                    if (i.federatedSubject() != null) {
                        identity.writeFederatedToken(i.clientId(), config.identityTokenDir().resolve(i.clientId() + ".token"));
                    }
                }
            }
        } catch (IllegalArgumentException | IOException | java.io.UncheckedIOException e) {
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
            if (identity != null) {
                identity.close();
            }
            stopped.countDown();
        }, "emulators-shutdown"));

        String ready = "READY amqp=" + (amqp == null ? "-" : amqp.port())
                + " eventgrid=" + (eventGrid == null ? "-" : eventGrid.port())
                + " admin=" + admin.port()
                + (tls == null ? "" : " amqps=" + (amqp == null ? "-" : amqp.tlsPort())
                        + " eventgrid-https=" + (eventGrid == null ? "-" : eventGrid.tlsPort()))
                + (identity == null ? "" : " identity-authority=" + identity.authorityPort()
                        + " identity-msi=" + identity.managedIdentityPort());
        System.out.println(ready);
        if (tls != null) {
            System.out.println("TLS trust store: " + tls.truststoreFile().toAbsolutePath() + " (PKCS12, password "
                    + StandInTls.TRUSTSTORE_PASSWORD + "); PEM: " + tls.caPemFile().toAbsolutePath());
        }
        if (identity != null) {
            System.out.println("Entra ID: authorityHost=" + identity.authorityHost() + " tenant=" + identity.tenantId()
                    + " IDENTITY_ENDPOINT=" + identity.managedIdentityEndpoint()
                    + " (IDENTITY_HEADER in the ready file); federated tokens in " + config.identityTokenDir().toAbsolutePath());
        }
        if (amqp != null) {
            System.out.println("Service Bus / Event Hubs: Endpoint=" + amqp.endpoint()
                    + ";SharedAccessKeyName=<keyName>;SharedAccessKey=<key>;UseDevelopmentEmulator=true");
        }
        if (eventGrid != null) {
            eventGrid.topics().forEach(t -> System.out.println("Event Grid topic " + t + ": " + eventGrid.endpoint(t)));
        }
        Path readyFile = config.readyFile();
        if (readyFile != null) {
            String json = readyJson(amqp, eventGrid, admin, tls, identity, config);
            Path tmp = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
            Files.writeString(tmp, json, StandardCharsets.UTF_8);
            Files.move(tmp, readyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        stopped.await();
    }

    /**
     * The ready file: ports, and with TLS and identities where their files are and the managed-identity
     * variables (the file is private to whoever runs the stand-ins: it holds {@code IDENTITY_HEADER}).
     */
    private static String readyJson(AmqpEmulator amqp, EventGridEmulator eventGrid, AdminServer admin, StandInTls tls,
                                     IdentityProvider identity, EmulatorConfig config) {
        com.fasterxml.jackson.databind.node.ObjectNode n = new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode();
        n.put("amqp", amqp == null ? null : amqp.port());
        n.put("eventgrid", eventGrid == null ? null : eventGrid.port());
        n.put("admin", admin.port());
        if (tls != null) {
            n.put("amqps", amqp == null ? null : amqp.tlsPort());
            n.put("eventgridHttps", eventGrid == null ? null : eventGrid.tlsPort());
            n.put("truststore", tls.truststoreFile().toAbsolutePath().toString());
            n.put("truststorePassword", StandInTls.TRUSTSTORE_PASSWORD);
        }
        if (identity != null) {
            n.put("authorityHost", identity.authorityHost());
            n.put("tenant", identity.tenantId());
            identity.managedIdentityEnvironment().forEach(n::put);
            n.put("federatedTokenDir", config.identityTokenDir().toAbsolutePath().toString());
        }
        return n.toString() + "\n";
    }
}
