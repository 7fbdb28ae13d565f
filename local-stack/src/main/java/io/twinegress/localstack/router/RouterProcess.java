package io.twinegress.localstack.router;

import io.twinegress.localstack.Layout;
import io.twinegress.localstack.process.ChildLaunch;
import io.twinegress.localstack.process.ChildProcess;
import io.twinegress.localstack.process.Children;
import io.twinegress.localstack.process.Java;
import io.twinegress.localstack.process.PropertiesFiles;
import io.twinegress.localstack.process.StartupWait;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;

/** The packaged router, {@code java -jar twin-egress-router.jar router.properties}, as a child process. */
public final class RouterProcess implements AutoCloseable {

    public static final String PART = "router";
    public static final String APPLICATION_ID = "twin-egress-router";

    private final ChildProcess process;

    private RouterProcess(ChildProcess process) {
        this.process = process;
    }

    /** router.properties of the local stack: every topic name at its default. */
    public static Map<String, String> routerProperties(String bootstrap, Path stateDir) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bootstrap.servers", bootstrap);
        p.put("application.id", APPLICATION_ID);
        p.put("state.dir", stateDir.toAbsolutePath().toString());
        return p;
    }

    public static RouterProcess start(Children children, Layout layout, String bootstrap, Admin admin, Path dataDir, Path logDir,
            Duration deadline) {
        return launch(children, layout, bootstrap, admin, dataDir, logDir).start(deadline);
    }

    /**
     * The same, with {@code extra} router.properties keys on top of {@link #routerProperties} (e.g. a
     * shorter {@code session.timeout.ms} for a test that kills routers). Each instance needs its
     * own {@code dataDir} (properties file and state directory).
     */
    public static RouterProcess start(Children children, Layout layout, String bootstrap, Admin admin, Path dataDir, Path logDir,
            Duration deadline, Map<String, String> extra) {
        return launch(children, layout, bootstrap, admin, dataDir, logDir).settings(extra).start(deadline);
    }

    /**
     * A router with its router.properties and state in {@code dataDir}, its output in
     * {@code <logDir>/router.log}; the local stack's JVM unless the {@link Launch} says otherwise.
     */
    public static Launch launch(Children children, Layout layout, String bootstrap, Admin admin, Path dataDir, Path logDir) {
        return new Launch(children, layout, bootstrap, admin, dataDir, logDir);
    }

    /**
     * How to start one router: {@link #settings} are router.properties keys on top of
     * {@link #routerProperties} (its own application.id, topics, guarantee…).
     */
    public static final class Launch extends ChildLaunch<Launch> {

        private final String bootstrap;
        private final Admin admin;
        private String name = PART;

        private Launch(Children children, Layout layout, String bootstrap, Admin admin, Path dataDir, Path logDir) {
            super(children, layout, dataDir, logDir, Map.of());
            this.bootstrap = bootstrap;
            this.admin = admin;
        }

        @Override
        protected Launch self() {
            return this;
        }

        /** The process's name and log file ({@code <logDir>/<name>.log}), for routers side by side; default "router". */
        public Launch name(String name) {
            this.name = name;
            return this;
        }

        /** Starts the router and waits until its Kafka Streams group (its application.id) is stable. */
        public RouterProcess start(Duration deadline) {
            Map<String, String> props = routerProperties(bootstrap, dataDir.resolve("router-state"));
            props.putAll(settings());
            Path config = PropertiesFiles.write(dataDir.resolve("router.properties"), "twin-egress local stack: router",
                    props);
            ChildProcess process = children.start(name,
                    Java.jarCommand(jvmFlagsOr(() -> List.of("-Xmx384m")), layout.routerJar(), List.of(config.toString())),
                    dataDir, logDir.resolve(name + ".log"), Map.of());
            String group = props.get("application.id");
            try {
                StartupWait.until(name, "Kafka Streams group " + group + " stable", deadline, process,
                        () -> stable(admin, group));
            } catch (RuntimeException e) {
                process.close();
                throw e;
            }
            return new RouterProcess(process);
        }
    }

    private static boolean stable(Admin admin, String group) throws Exception {
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all()
                .get(5, TimeUnit.SECONDS).get(group);
        return d != null && d.groupState() == GroupState.STABLE && !d.members().isEmpty();
    }

    public ChildProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
