package io.twinegress.cli.commands;

import io.twinegress.cli.output.Secret;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The properties file behind {@code --secrets-as file:<path>}: keys {@code primary} and
 * {@code secondary}, read by the worker's {@code FileConfigProvider}. Written owner-only
 * (rw-------) to a temporary file beside it, then moved into place, so the worker never reads
 * half a file.
 */
public final class SecretsFile {

    public static final String PRIMARY = "primary";
    public static final String SECONDARY = "secondary";

    private SecretsFile() {
    }

    /** Sets {@code values} in the file, keeping its other keys. */
    public static void write(Path path, Map<String, Secret> values) throws IOException {
        Properties props = new Properties();
        if (Files.exists(path)) {
            props.load(new StringReader(Files.readString(path, StandardCharsets.UTF_8)));
        }
        values.forEach((k, v) -> props.setProperty(k, v.reveal()));
        StringBuilder out = new StringBuilder("# twin-egress endpoint secrets, read by the Connect worker's FileConfigProvider\n");
        // Properties.store would escape ':' and '=' too; only '\\' needs it for Properties.load to read the value back.
        new TreeMap<>(props).forEach((k, v) -> out.append(k).append('=').append(String.valueOf(v).replace("\\", "\\\\")).append('\n'));
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".twin-egress-", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's own permissions apply
            }
            Files.writeString(tmp, out, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
