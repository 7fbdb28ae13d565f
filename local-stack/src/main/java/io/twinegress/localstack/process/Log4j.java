package io.twinegress.localstack.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A log4j2 configuration for a child JVM: everything to stdout, which goes to the child's log file. */
public final class Log4j {

    private Log4j() {
    }

    /** Writes {@code <dir>/log4j2-<name>.properties} and returns the JVM flag that selects it. */
    public static String configFlag(Path dir, String name, String rootLevel, String... loggerLevels) {
        return write(dir, name, null, rootLevel, loggerLevels);
    }

    /** The same, logging to {@code logFile} instead of stdout; returns the config file's path. */
    public static Path fileConfig(Path dir, String name, Path logFile, String rootLevel) {
        return Path.of(write(dir, name, logFile, rootLevel).substring("-Dlog4j2.configurationFile=".length()));
    }

    private static String write(Path dir, String name, Path logFile, String rootLevel, String... loggerLevels) {
        StringBuilder sb = new StringBuilder()
                .append("status = warn\n");
        if (logFile == null) {
            sb.append("appender.out.type = Console\n");
        } else {
            sb.append("appender.out.type = File\n")
              .append("appender.out.fileName = ").append(logFile.toAbsolutePath().toString().replace("\\", "/")).append('\n');
        }
        sb.append("appender.out.name = out\n")
                .append("appender.out.layout.type = PatternLayout\n")
                .append("appender.out.layout.pattern = %d{HH:mm:ss.SSS} %-5p [%t] %c{1}: %m%n\n")
                .append("rootLogger.level = ").append(rootLevel).append('\n')
                .append("rootLogger.appenderRef.out.ref = out\n");
        for (int i = 0; i + 1 < loggerLevels.length; i += 2) {
            String id = "l" + i;
            sb.append("logger.").append(id).append(".name = ").append(loggerLevels[i]).append('\n')
              .append("logger.").append(id).append(".level = ").append(loggerLevels[i + 1]).append('\n');
        }
        Path file = dir.resolve("log4j2-" + name + ".properties");
        try {
            Files.createDirectories(dir);
            Files.writeString(file, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "-Dlog4j2.configurationFile=" + file.toAbsolutePath();
    }
}
