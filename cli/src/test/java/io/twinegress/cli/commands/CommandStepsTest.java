package io.twinegress.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.twinegress.cli.body.Problem;
import org.junit.jupiter.api.Test;

class CommandStepsTest {

    @Test
    void connectorErrorsAreNamedByTheBodyField() {
        assertEquals(new Problem("connectionString (connector connection.string)", "m"),
                CommandSteps.connectorProblem(new Problem("connection.string", "m")));
        assertEquals(new Problem("connector tasks.max", "m"), CommandSteps.connectorProblem(new Problem("tasks.max", "m")));
    }
}
