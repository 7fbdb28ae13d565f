package io.twinegress.localstack.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds {@code java} command lines with the same JDK the launcher runs on. */
public final class Java {

    /**
     * Flags for every child of the local stack: start fast and stay light on a shared laptop (C1
     * only, serial GC). The demo's modest rate never needs C2's peak throughput.
     */
    public static final List<String> LOCAL_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Djava.awt.headless=true");

    private Java() {
    }

    public static String executable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code java <jvmArgs> -cp <classpath> <mainClass> <args>}. */
    public static List<String> mainClass(List<String> jvmArgs, String classpath, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable());
        cmd.addAll(LOCAL_FLAGS);
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /** {@code java <jvmArgs> -jar <jar> <args>}. */
    public static List<String> jar(List<String> jvmArgs, Path jar, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable());
        cmd.addAll(LOCAL_FLAGS);
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(args);
        return cmd;
    }
}
