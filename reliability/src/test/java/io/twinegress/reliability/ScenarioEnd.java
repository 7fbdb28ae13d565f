package io.twinegress.reliability;

import io.twinegress.reliability.report.Results;
import io.twinegress.reliability.stack.FaultStack;
import java.nio.file.Path;
import org.junit.jupiter.api.TestReporter;

/** How a scenario class ends: its results written and reported (when it got that far), its stack closed either way. */
final class ScenarioEnd {

    /** Where the results go: {@code -Dreliability.report}, else {@code target/reliability-results.md}. */
    static final Path REPORT = Path.of(System.getProperty("reliability.report", "target/reliability-results.md"));

    private ScenarioEnd() {
    }

    /** Writes {@code results} (null: the class did not start) to {@code file} and reports them, then closes {@code stack}. */
    static void finish(Results results, Path file, FaultStack stack, TestReporter report) throws Exception {
        try {
            if (results != null) {
                results.write(file);
                report.publishEntry("results in " + file, results.markdown());
            }
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
    }
}
