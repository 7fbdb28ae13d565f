package io.twinegress.localstack.identity;

import io.twinegress.localstack.LocalStack;
import io.twinegress.localstack.endpoints.SampleEndpoint;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The fault demo of {@code --auth entra-id}: the endpoint's identity loses its data-sender role in the
 * identity provider (as when someone removes the role assignment), its connector holds the records and
 * backs off with one line naming the identity and the role, and {@link #OUTAGE} later the role is
 * assigned again and everything held is delivered. Called from the launcher's loop, one step per turn.
 */
public final class RoleDemo {

    public static final Duration OUTAGE = Duration.ofSeconds(10);

    private final Consumer<String> say;
    private long revokedAt;
    private boolean restored;

    public RoleDemo(Consumer<String> say) {
        this.say = say;
    }

    public void step(LocalStack stack, SampleEndpoint e, long nowNanos, long faultAtNanos) throws IOException, InterruptedException {
        String clientId = LocalIdentities.clientId(e);
        String role = LocalIdentities.role(e);
        if (revokedAt == 0 && nowNanos >= faultAtNanos) {
            say.accept("FAULT DEMO: revoking role " + role + " on " + e.entity() + " from identity " + clientId
                + " (admin API POST /identity/roles/revoke); its connector holds the records and backs off, logging the "
                + "identity and the role once (" + stack.logDir().resolve("connect.log") + ")");
            stack.standIns().admin().identity().revokeRole(clientId, role, e.entity());
            revokedAt = nowNanos;
        } else if (revokedAt != 0 && !restored && nowNanos - revokedAt >= OUTAGE.toNanos()) {
            stack.standIns().admin().identity().assignRole(clientId, role, e.entity());
            restored = true;
            say.accept("FAULT DEMO: role " + role + " assigned again to " + clientId + "; the held records are delivered "
                + "at the connector's next retry, nothing lost");
        }
    }
}
