package io.twinegress.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.cli.output.Console;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line and exit codes, without Kafka or Connect (their addresses lead nowhere). */
class CliTest {

    static final String CANARY = "cli-test-canary-8d41";

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(Map<String, String> env, String... args) {
        Cli cli = new Cli(new Console(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)), env);
        return cli.run(args);
    }

    int run(String... args) {
        return run(Map.of(), args);
    }

    String output() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    /** A loopback port nothing listens on. */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    List<String> nowhere(String... args) throws IOException {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--bootstrap-server", "127.0.0.1:" + closedPort(), "--connect-url", "http://127.0.0.1:" + closedPort(), "--timeout", "2"));
        return a;
    }

    @Test
    void helpAndUsageErrors() {
        assertEquals(Cli.OK, run("--help"));
        assertTrue(output().contains("twin-egress endpoints create <id> --file body.json"));
        assertEquals(Cli.USAGE, run());
        assertEquals(Cli.USAGE, run("endpoints", "frobnicate", "x"));
        assertEquals(Cli.USAGE, run("endpoints", "create", "x"));
        assertTrue(output().contains("endpoints create needs --file <body.json>"), output());
        assertEquals(Cli.USAGE, run("endpoints", "list", "extra"));
        assertEquals(Cli.USAGE, run("endpoints", "delete", "x", "--file", "b.json"));
        assertEquals(Cli.USAGE, run("endpoints", "update", "x"));
        assertEquals(Cli.USAGE, run("endpoints", "status", "x", "--timeout", "soon"));
    }

    @Test
    void secretsOnTheCommandLineAreRefusedWithoutEchoingThem() {
        assertEquals(Cli.USAGE, run("endpoints", "list", "--connect-password=" + CANARY));
        assertEquals(Cli.USAGE, run("endpoints", "update", "x", "--primary-key", CANARY));
        assertEquals(Cli.USAGE, run("endpoints", "create", "x", "--file", "b.json", "--set", "connection.string=" + CANARY));
        assertFalse(output().contains(CANARY), output());
        assertTrue(output().contains("TWIN_EGRESS_CONNECT_PASSWORD"));
    }

    @Test
    void anInvalidBodyIsReportedBeforeAnythingIsContacted() throws IOException {
        Path body = dir.resolve("body.json");
        Files.writeString(body, "{\"type\":\"ServiceBus\",\"eventTypes\":[\"DeviceMessage\"],\"path\":\"t\","
                + "\"connectionString\":\"Endpoint=sb://ns/;SharedAccessKeyName=s;SharedAccessKey=" + CANARY + "\"}");
        assertEquals(Cli.INVALID, run(nowhere("endpoints", "create", "sb-1", "--file", body.toString()).toArray(String[]::new)));
        assertTrue(output().contains("invalid: eventTypes: DeviceMessage is allowed only on an EventHub endpoint (type is ServiceBus)"), output());
        assertTrue(output().contains("nothing was changed"));
        assertFalse(output().contains(CANARY));
    }

    @Test
    void aMissingKeySourceIsInvalidInput() throws IOException {
        assertEquals(Cli.INVALID, run(nowhere("endpoints", "update", "sb-1", "--primary-key-from", "env:NO_SUCH_VAR_9").toArray(String[]::new)));
        assertTrue(output().contains("invalid: --primary-key-from: environment variable NO_SUCH_VAR_9 is not set or empty"), output());
    }

    @Test
    void unreachableConnectIsExitCodeThree() throws IOException {
        Path key = dir.resolve("key");
        Files.writeString(key, CANARY + "\n");
        assertEquals(Cli.UNAVAILABLE, run(nowhere("endpoints", "update", "sb-1", "--primary-key-from", key.toString()).toArray(String[]::new)));
        assertTrue(output().contains("cannot reach Connect at http://127.0.0.1:"), output());
        assertFalse(output().contains(CANARY));
    }

    @Test
    void unreachableKafkaIsExitCodeThree() throws IOException {
        assertEquals(Cli.UNAVAILABLE, run(nowhere("endpoints", "list").toArray(String[]::new)));
        assertTrue(output().contains("Kafka did not answer within 2 s"), output());
    }
}
