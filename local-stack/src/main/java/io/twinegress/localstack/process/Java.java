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

    /** {@link #LOCAL_FLAGS} followed by {@code jvmArgs}: what a part of the local stack runs with. */
    public static List<String> local(List<String> jvmArgs) {
        List<String> flags = new ArrayList<>(LOCAL_FLAGS);
        flags.addAll(jvmArgs);
        return flags;
    }

    /** {@code java <LOCAL_FLAGS> <jvmArgs> -cp <classpath> <mainClass> <args>}. */
    public static List<String> mainClass(List<String> jvmArgs, String classpath, String mainClass, List<String> args) {
        return command(local(jvmArgs), classpath, mainClass, args);
    }

    /** {@code java <LOCAL_FLAGS> <jvmArgs> -jar <jar> <args>}. */
    public static List<String> jar(List<String> jvmArgs, Path jar, List<String> args) {
        return jarCommand(local(jvmArgs), jar, args);
    }

    /** {@code java <flags> -cp <classpath> <mainClass> <args>}: exactly these flags, nothing added. */
    public static List<String> command(List<String> flags, String classpath, String mainClass, List<String> args) {
        return java(flags, List.of("-cp", classpath, mainClass), args);
    }

    /** {@code java <flags> -jar <jar> <args>}: exactly these flags, nothing added. */
    public static List<String> jarCommand(List<String> flags, Path jar, List<String> args) {
        return java(flags, List.of("-jar", jar.toString()), args);
    }

    private static List<String> java(List<String> flags, List<String> what, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable());
        cmd.addAll(flags);
        cmd.addAll(what);
        cmd.addAll(args);
        return cmd;
    }
}
