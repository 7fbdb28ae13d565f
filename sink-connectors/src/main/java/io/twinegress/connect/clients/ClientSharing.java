package io.twinegress.connect.clients;

/**
 * Whether the tasks of a worker share their connections: on unless the worker JVM runs with
 * {@value #PROPERTY}{@code =false} (then every task builds its own clients, as the connectors did
 * before sharing; kept as an escape hatch and for the scale benchmark's side-by-side run). Read at
 * each client build, so it is per worker, not per connector.
 */
public final class ClientSharing {

    public static final String PROPERTY = "twinegress.connect.shared.clients";

    private ClientSharing() {
    }

    public static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim());
    }
}
