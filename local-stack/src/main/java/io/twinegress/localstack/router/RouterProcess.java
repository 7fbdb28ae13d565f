package io.twinegress.localstack.router;

import io.twinegress.localstack.Layout;
import io.twinegress.localstack.process.Await;
import io.twinegress.localstack.process.ChildProcess;
import io.twinegress.localstack.process.Children;
import io.twinegress.localstack.process.Java;
import io.twinegress.localstack.process.PropertiesFiles;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
        return start(children, layout, bootstrap, admin, dataDir, logDir, deadline, Map.of());
    }

    /**
     * The same, with {@code extra} router.properties keys on top of {@link #routerProperties} (e.g. a
     * shorter {@code session.timeout.ms} for a test that kills routers). Each instance needs its
     * own {@code dataDir} (properties file and state directory).
     */
    public static RouterProcess start(Children children, Layout layout, String bootstrap, Admin admin, Path dataDir, Path logDir,
            Duration deadline, Map<String, String> extra) {
        Map<String, String> props = routerProperties(bootstrap, dataDir.resolve("router-state"));
        props.putAll(extra);
        Path config = PropertiesFiles.write(dataDir.resolve("router.properties"), "twin-egress local stack: router",
                props);
        ChildProcess process = children.start(PART,
                Java.jar(List.of("-Xmx384m"), layout.routerJar(), List.of(config.toString())),
                dataDir, logDir.resolve("router.log"), Map.of());
        try {
            Await.until(PART, "Kafka Streams group " + APPLICATION_ID + " stable", deadline, process,
                    () -> stable(admin));
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
        return new RouterProcess(process);
    }

    private static boolean stable(Admin admin) throws Exception {
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(APPLICATION_ID)).all()
                .get(5, TimeUnit.SECONDS).get(APPLICATION_ID);
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
