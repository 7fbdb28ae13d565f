package io.twinegress.testing.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * A private {@code plugin.path} directory for one worker, holding a link to each plugin.
 *
 * <p>Connect treats every child of a {@code plugin.path} entry as one plugin with its own
 * class loader. Pointing {@code plugin.path} at a plugin directory itself would make each
 * of its jars a separate plugin (the connector jar without its dependencies), and pointing
 * it at the directory's parent (a module's {@code target/}) would load every sibling too.
 * So each plugin gets a symbolic link (or a copy, where links are not supported) in a
 * fresh temporary directory, and that directory is the worker's {@code plugin.path}.
 */
final class PluginPath {

    private PluginPath() {
    }

    /** Creates the directory with one entry per plugin (directory of jars, or a single jar). */
    static Path create(List<Path> plugins) {
        try {
            Path root = Files.createTempDirectory("twin-egress-connect-plugins");
            for (Path plugin : plugins) {
                Path source = plugin.toAbsolutePath();
                if (!Files.exists(source)) {
                    throw new IllegalArgumentException("No Connect plugin at " + source + " (not built yet?)");
                }
                Path link = root.resolve(source.getFileName());
                try {
                    Files.createSymbolicLink(link, source);
                } catch (IOException | UnsupportedOperationException noLinks) {
                    copy(source, link);
                }
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare plugin.path", e);
        }
    }

    /** Deletes the directory and its links or copies; never what a link points to. */
    static void delete(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + root, e);
        }
    }

    private static void copy(Path source, Path target) throws IOException {
        try (var paths = Files.walk(source)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Files.copy(p, target.resolve(source.relativize(p).toString()));
            }
        }
    }
}
