package io.twinegress.bench.infra;

import java.util.List;

/** The JVM of every measured subject (router, pass-through app, ProducerPerformance, Connect worker): the same for all. */
public final class SubjectJvm {

    public static final String HEAP = "-Xmx512m";

    private SubjectJvm() {
    }

    /** The subjects' flags, logging as configured by {@code log4jConfig}. */
    public static List<String> flags(String log4jConfig) {
        return List.of(HEAP, "-XX:+UseG1GC", "-Dlog4j2.configurationFile=" + log4jConfig);
    }
}
