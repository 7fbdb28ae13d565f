package io.twinegress.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.twinegress.cli.output.Console;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
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
        assertTrue(output().contains("Usage: twin-egress [--help] [COMMAND]") && output().contains("endpoints"), output());
        assertTrue(output().contains("Exit codes:"), output());
        assertEquals(Cli.USAGE, run());
        assertEquals(Cli.USAGE, run("endpoints"));
        assertEquals(Cli.USAGE, run("endpoints", "frobnicate", "x"));
        assertTrue(output().contains("unknown command: `twin-egress endpoints` takes one of create, update, delete, list, status"),
                output());
        assertEquals(Cli.USAGE, run("endpoints", "create", "x"));
        assertTrue(output().contains("Missing required option: '--file=<body.json>'"), output());
        assertEquals(Cli.USAGE, run("endpoints", "list", "extra"));
        assertEquals(Cli.USAGE, run("endpoints", "delete", "x", "--file", "b.json"));
        assertEquals(Cli.USAGE, run("endpoints", "update", "x"));
        assertTrue(output().contains("update needs --file <body.json>, or --primary-key-from / --secondary-key-from"), output());
        assertEquals(Cli.USAGE, run("endpoints", "status", "x", "--timeout", "soon"));
        assertTrue(output().contains("run `twin-egress endpoints status --help` for its options"), output());
    }

    @Test
    void everyCommandHasItsOwnGeneratedHelp() {
        for (String verb : List.of("create", "update", "delete", "list", "status")) {
            out.reset();
            assertEquals(Cli.OK, run("endpoints", verb, "--help"), verb);
            assertTrue(output().startsWith("Usage: twin-egress endpoints " + verb), output());
            assertTrue(output().contains("--bootstrap-server=<host:port>"), verb + ": the connection options: " + output());
        }
        out.reset();
        run("endpoints", "create", "--help");
        assertTrue(output().contains("--file=<body.json>") && output().contains("--set=<key=value>"), output());
        assertFalse(output().contains("--connect-password "), "the refused options are not offered: " + output());
    }

    @Test
    void aCompletionScriptForTheShell() {
        assertEquals(Cli.OK, run("generate-completion"));
        assertTrue(output().contains("complete -F") && output().contains("endpoints"), output());
    }

    @Test
    void optionsThatShapeTheConnectorNeedABody() {
        assertEquals(Cli.INVALID, run("endpoints", "update", "x", "--primary-key-from", "env:NO_SUCH_VAR_8", "--set", "tasks.max=2"));
        assertTrue(output().contains("note: --set applies with --file"), "said, not silently ignored: " + output());
        assertEquals(Cli.USAGE, run("endpoints", "update", "x", "--primary-key-from", "env:K", "--secrets-as", "inline"));
        assertTrue(output().contains("--secrets-as applies with --file"), output());
    }

    @Test
    void secretsOnTheCommandLineAreRefusedWithoutEchoingThem() {
        assertEquals(Cli.USAGE, run("endpoints", "list", "--connect-password=" + CANARY));
        assertTrue(output().contains("TWIN_EGRESS_CONNECT_PASSWORD"));
        assertEquals(Cli.USAGE, run("endpoints", "update", "x", "--primary-key", CANARY));
        assertEquals(Cli.USAGE, run("endpoints", "create", "x", "--file", "b.json", "--set", "connection.string=" + CANARY));
        // a typo, or a key in the wrong place: neither is echoed
        assertEquals(Cli.USAGE, run("endpoints", "list", "--primry-key=" + CANARY));
        assertTrue(output().contains("unknown option --primry-key"), output());
        assertEquals(Cli.USAGE, run("endpoints", "status", "x", CANARY));
        assertEquals(Cli.USAGE, run("endpoints", CANARY));
        assertFalse(output().contains(CANARY), output());
    }

    @Test
    void refusedConnectCredentialsAreExitCodeThreeAndNeverQuoteThePassword() throws IOException {
        HttpServer connect = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        connect.createContext("/", exchange -> {
            byte[] body = "{\"error_code\":401,\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        connect.start();
        try {
            Path key = dir.resolve("key");
            Files.writeString(key, "new-key\n");
            int exit = run(Map.of(Cli.ENV_CONNECT_USER, "ops", Cli.ENV_CONNECT_PASSWORD, CANARY),
                    "endpoints", "update", "sb-1", "--primary-key-from", key.toString(),
                    "--connect-url", "http://127.0.0.1:" + connect.getAddress().getPort(), "--timeout", "2");
            assertEquals(Cli.UNAVAILABLE, exit, output());
            assertTrue(output().contains("refused our credentials (HTTP 401); set --connect-user and $TWIN_EGRESS_CONNECT_PASSWORD"),
                    output());
            assertFalse(output().contains(CANARY), output());
        } finally {
            connect.stop(0);
        }
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
    void aFilterTheRouterWouldRejectIsInvalidInputBeforeAnythingIsContacted() throws IOException {
        Path body = dir.resolve("body.json");
        Files.writeString(body, "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\","
                + "\"connectionString\":\"Endpoint=sb://ns/;SharedAccessKeyName=s;SharedAccessKey=" + CANARY + "\"}");
        assertEquals(Cli.INVALID, run(nowhere("endpoints", "create", "sb-1", "--file", body.toString(), "--filter", "sensorId = 'x'")
                .toArray(String[]::new)));
        assertTrue(output().contains("invalid: filter: expected an attribute (type, source, "), output());
        assertTrue(output().contains("got sensorId at position 1"), output());
        assertTrue(output().contains("nothing was changed"), output());
        assertFalse(output().contains("Kafka did not answer"), "refused before Kafka is contacted: " + output());
        // In the body, the same words.
        out.reset();
        err.reset();
        Files.writeString(body, "{\"type\":\"ServiceBus\",\"eventTypes\":[\"SensorChange\"],\"path\":\"t\",\"filter\":\"(type = 'x'\"}");
        assertEquals(Cli.INVALID, run(nowhere("endpoints", "update", "sb-1", "--file", body.toString()).toArray(String[]::new)));
        assertTrue(output().contains("invalid: filter: expected ')' to close the '(' at position 1, got the end of the filter at position 12"),
                output());
        // A key rotation takes no routing option.
        assertEquals(Cli.USAGE, run("endpoints", "update", "sb-1", "--primary-key-from", "env:K", "--filter", "true"));
        assertTrue(output().contains("--filter applies with --file"), output());
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
    void dlqCommandsRefuseABadSelectionBeforeAnythingIsContactedAndSayWhenKafkaIsAway() throws IOException {
        assertEquals(Cli.USAGE, run("dlq"));
        assertTrue(output().contains("the command is `dlq <list|show|replay> <endpoint|router>`"), output());
        assertEquals(Cli.INVALID, run(nowhere("dlq", "replay", "sb-1", "--from", "last week").toArray(String[]::new)));
        assertTrue(output().contains("invalid: --from: expected an RFC 3339 time such as 2026-11-20T08:00:00Z, or an age"), output());
        assertFalse(output().contains("Kafka did not answer"), output());
        assertEquals(Cli.USAGE, run("dlq", "show", "sb-1", "--limit", "0"));
        assertEquals(Cli.UNAVAILABLE, run(nowhere("dlq", "list", "router").toArray(String[]::new)));
        assertTrue(output().contains("Kafka did not answer within 2 s"), output());
        for (String verb : List.of("list", "show", "replay")) {
            out.reset();
            assertEquals(Cli.OK, run("dlq", verb, "--help"), verb);
            assertTrue(output().startsWith("Usage: twin-egress dlq " + verb), output());
        }
    }

    @Test
    void unreachableKafkaIsExitCodeThree() throws IOException {
        assertEquals(Cli.UNAVAILABLE, run(nowhere("endpoints", "list").toArray(String[]::new)));
        assertTrue(output().contains("Kafka did not answer within 2 s"), output());
    }
}
