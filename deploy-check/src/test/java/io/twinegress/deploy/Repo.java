package io.twinegress.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root ({@code -Dtwin.egress.home}, set by this module's build) and what deploy/ holds. */
final class Repo {

    private Repo() {
    }

    static Path home() {
        return Path.of(System.getProperty("twin.egress.home", "..")).toAbsolutePath().normalize();
    }

    static Path file(String relative) {
        Path p = home().resolve(relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException(p + " does not exist");
        }
        return p;
    }
}
