package io.twinegress.bench.infra;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root (where {@code streams-app/} and {@code sink-connectors/} are), from the root or a module. */
public final class Repo {

    private Repo() {
    }

    public static Path root() {
        Path p = Path.of("").toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.isDirectory(q.resolve("streams-app")) && Files.isDirectory(q.resolve("sink-connectors"))) {
                return q;
            }
        }
        return p;
    }

    /** The packaged router (DESIGN §6). */
    public static Path routerJar() {
        return root().resolve("streams-app/target/twin-egress-router.jar");
    }

    /** The packaged connector plugin directory (DESIGN §6). */
    public static Path connectorPlugin() {
        return root().resolve("sink-connectors/target/twin-egress-connectors");
    }
}
