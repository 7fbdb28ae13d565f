package io.twinegress.bench.infra;

import io.twinegress.localstack.Layout;

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

    /** The packaged artifacts the suite starts (router jar, plugin directory, broker and Connect jars), as the local stack finds them. */
    public static Layout layout() {
        return new Layout(root());
    }
}
