package io.twinegress.bench.connect;

import io.twinegress.bench.Ctx;
import io.twinegress.bench.infra.Repo;
import io.twinegress.bench.infra.SubjectJvm;
import io.twinegress.localstack.Ports;
import io.twinegress.localstack.connect.ConnectWorker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The suite's Connect worker: the local stack's {@link ConnectWorker} launcher ({@code
 * ConnectDistributed} in a child JVM, the packaged plugin directory on its {@code plugin.path}) with
 * the subjects' JVM and only the settings twin-egress needs ({@link ConnectWorker#essentials}:
 * {@code ByteArrayConverter} for keys, values and headers, {@code read_committed},
 * {@code plugin.discovery=service_load}); everything else at Kafka's defaults.
 */
public final class BenchWorker {

    private BenchWorker() {
    }

    /** Starts the worker on a free port, its files in {@code <work>/connect}, its output in {@code <work>/logs/connect.log}. */
    public static ConnectWorker start(Ctx ctx, List<String> extraJvmArgs) {
        return start(ctx, extraJvmArgs, "bench-connect");
    }

    /**
     * As {@link #start(Ctx, List)}, as the Connect group {@code group} (its internal topics prefixed
     * {@code group-}, its files in {@code <work>/<group>}, its output in {@code <work>/logs/<group>}), so it shares nothing with another worker of the run.
     */
    public static ConnectWorker start(Ctx ctx, List<String> extraJvmArgs, String group) {
        List<String> jvm = new ArrayList<>(SubjectJvm.flags(ctx.childLog4j()));
        jvm.addAll(extraJvmArgs);
        boolean first = group.equals("bench-connect");
        return ConnectWorker.launch(ctx.children(), Repo.layout(), Ports.free(), ctx.bootstrap(), ctx.work().resolve(first ? "connect" : group),
                first ? ctx.work().resolve("logs") : ctx.work().resolve("logs").resolve(group))
            .settings(ConnectWorker.essentials(group, group + "-"))
            .jvmFlags(jvm)
            .start(Duration.ofMinutes(2));
    }
}
