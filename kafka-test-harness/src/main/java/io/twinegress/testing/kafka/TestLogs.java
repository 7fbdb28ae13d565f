package io.twinegress.testing.kafka;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;

/**
 * The log file every test JVM writes, for tests that search the logs (for example: no
 * secret may ever appear in them).
 *
 * <p>The harness ships {@code log4j2-test.xml}: everything goes to
 * {@code target/twin-egress-test.log} (relative to the module directory, where Maven runs
 * tests; override with {@code -Dtwinegress.test.log=/some/file}), appended to across test
 * JVMs until {@code mvn clean}. Kafka logs at WARN ({@code -Dtwinegress.test.kafka.level=INFO}
 * to see Connect's config dumps), {@code io.twinegress} at INFO. The console gets our WARN
 * and everyone's ERROR. A module that wants another config adds its own
 * {@code src/test/resources/log4j2-test.xml}, which comes first on the classpath.
 *
 * <pre>{@code
 * long mark = TestLogs.mark();
 * CONNECT.rest().putConnector("sb-1", configWithCanaryKey);
 * CONNECT.rest().awaitRunning("sb-1", Duration.ofSeconds(30));
 * assertFalse(TestLogs.readSince(mark).contains(CANARY_KEY));
 * }</pre>
 */
public final class TestLogs {

    /** Name of the file appender in the harness's {@code log4j2-test.xml}. */
    public static final String APPENDER = "FILE";

    private TestLogs() {
    }

    /** The log file: taken from the running log4j configuration's {@value #APPENDER} appender. */
    public static Path file() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Appender appender = context.getConfiguration().getAppender(APPENDER);
        if (!(appender instanceof FileAppender)) {
            throw new IllegalStateException("No file appender named " + APPENDER
                    + " in the log4j configuration " + context.getConfiguration().getName());
        }
        return Path.of(((FileAppender) appender).getFileName()).toAbsolutePath();
    }

    /** The current end of the log file, to read only what is logged after this point. */
    public static long mark() {
        try {
            Path file = file();
            return Files.exists(file) ? Files.size(file) : 0L;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything logged since {@code mark} (UTF-8). */
    public static String readSince(long mark) {
        try (RandomAccessFile in = new RandomAccessFile(file().toFile(), "r")) {
            long length = in.length();
            if (mark >= length) {
                return "";
            }
            byte[] bytes = new byte[Math.toIntExact(length - mark)];
            in.seek(mark);
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole log file (UTF-8), including earlier test JVMs' lines. */
    public static String readAll() {
        return readSince(0);
    }
}
