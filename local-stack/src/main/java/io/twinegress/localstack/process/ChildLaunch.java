package io.twinegress.localstack.process;

import io.twinegress.localstack.Layout;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What every launcher of a part takes: the {@link Children} that record its process, the packaged
 * artifacts, its files and its log directory, and optionally settings and JVM flags instead of the
 * local stack's. Without options a launcher starts exactly what {@code ./twin-egress-local} starts.
 */
public abstract class ChildLaunch<L extends ChildLaunch<L>> {

    protected final Children children;
    protected final Layout layout;
    protected final Path dataDir;
    protected final Path logDir;
    private Map<String, String> settings;
    private List<String> jvmFlags;
    private String agent;
    private List<String> extraFlags = List.of();
    private Map<String, String> environment = Map.of();

    /** {@code localSettings}: what the local stack writes into the part's properties file besides what the part always needs. */
    protected ChildLaunch(Children children, Layout layout, Path dataDir, Path logDir, Map<String, String> localSettings) {
        this.children = children;
        this.layout = layout;
        this.dataDir = dataDir;
        this.logDir = logDir;
        this.settings = new LinkedHashMap<>(localSettings);
    }

    /**
     * Settings for the part's properties file instead of the local stack's own, on top of what the
     * part always needs (listeners, bootstrap servers, storage: the launcher's).
     */
    public L settings(Map<String, String> settings) {
        this.settings = new LinkedHashMap<>(settings);
        return self();
    }

    protected Map<String, String> settings() {
        return settings;
    }

    /**
     * JVM flags instead of the local stack's ({@link Java#LOCAL_FLAGS}, the part's heap and its
     * generated log4j2 configuration), e.g. a production-like heap and GC, or a JFR recording.
     */
    public L jvmFlags(List<String> flags) {
        this.jvmFlags = List.copyOf(flags);
        return self();
    }

    /**
     * Runs the part with the Prometheus JMX exporter agent of the local-stack build, serving
     * {@code http://127.0.0.1:<port>/metrics} by the given rule file; added to whatever JVM flags apply.
     */
    public L prometheusAgent(int port, Path rules) {
        this.agent = "-javaagent:" + layout.prometheusAgent().toAbsolutePath() + "=127.0.0.1:" + port + ":"
                + rules.toAbsolutePath();
        return self();
    }

    /**
     * The flags given to {@link #jvmFlags(List)}, else {@link Java#local} of {@code localArgs} (only then
     * computed), and the agent of {@link #prometheusAgent} when there is one.
     */
    protected List<String> jvmFlagsOr(Supplier<List<String>> localArgs) {
        List<String> flags = new ArrayList<>(jvmFlags != null ? jvmFlags : Java.local(localArgs.get()));
        flags.addAll(extraFlags);
        if (agent != null) {
            flags.add(agent);
        }
        return flags;
    }

    /** JVM flags added to whatever flags apply (e.g. a trust store), before the agent. */
    public L extraJvmFlags(List<String> flags) {
        this.extraFlags = List.copyOf(flags);
        return self();
    }

    /** Environment variables of the part's process on top of the launcher's own. */
    public L environment(Map<String, String> variables) {
        this.environment = Map.copyOf(variables);
        return self();
    }

    protected Map<String, String> environment() {
        return environment;
    }

    protected abstract L self();
}
