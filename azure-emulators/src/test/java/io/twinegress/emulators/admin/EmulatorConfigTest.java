package io.twinegress.emulators.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmulatorConfigTest {

    @Test
    void fileThenArgumentOverrides(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("e.properties");
        Files.writeString(file, "amqp.port=5672\namqp.keys.Root=a,b\namqp.keys.Send=c\neventgrid.keys=k\n");
        EmulatorConfig c = EmulatorConfig.fromArgs(file.toString(), "amqp.port=0", "admin.port=0");
        assertEquals(Map.of("Root", List.of("a", "b"), "Send", List.of("c")), c.amqpKeys());
        assertEquals(0, c.adminPort());
        assertTrue(c.amqpEnabled());
    }

    @Test
    void unknownKeysAndMissingKeysAreRefusedWithTheListOfKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmulatorConfig.fromArgs("amqp.prot=1"));
        assertTrue(e.getMessage().contains("amqp.prot") && e.getMessage().contains("amqp.port"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EmulatorConfig.fromArgs("amqp.port=0").amqp());
        assertThrows(IllegalArgumentException.class, () -> EmulatorConfig.fromArgs("eventgrid.port=0").eventGrid());
        assertThrows(IllegalArgumentException.class, () -> EmulatorConfig.fromArgs("amqp.port=x").amqp());
    }

    @Test
    void identitiesAndEntityOptionsAreReadAndBadOnesNamed() throws Exception {
        EmulatorConfig c = EmulatorConfig.fromArgs("amqp.keys.k=v", "amqp.port=0",
                "amqp.servicebus.queues=jobs:sessions:partitioned", "identity.roles.app=SERVICE_BUS_DATA_SENDER@jobs");
        var jobs = c.amqp().start();
        try {
            assertTrue(jobs.entities().get(0).requiresSession() && jobs.entities().get(0).partitioned());
        } finally {
            jobs.close();
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmulatorConfig.fromArgs("amqp.keys.k=v", "amqp.servicebus.topics=t:ordered").amqp());
        assertTrue(e.getMessage().contains("'sessions' or 'partitioned'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> EmulatorConfig.fromArgs("identity.enabled=true").identity(null));
        assertTrue(e.getMessage().contains("tls.enabled=true"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> EmulatorConfig.fromArgs("identity.roles.app=SERVICE_BUS_DATA_SENDER").identity(
                        io.twinegress.emulators.tls.StandInTls.shared()));
        assertTrue(e.getMessage().contains("<ROLE>@<scope>"), e.getMessage());
    }
}
