package io.twinegress.emulators;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The stand-ins accept anyone who knows a key (their TLS certificate is made for the run, not issued by
 * anyone), their identity provider issues tokens to anyone who names a configured identity, and their
 * admin API has no authentication at all: each of them listens on loopback only.
 */
public final class Loopback {

    private Loopback() {
    }

    /** @throws IllegalArgumentException when {@code host} is unknown or not a loopback address */
    public static void require(String host) {
        try {
            if (!InetAddress.getByName(host).isLoopbackAddress()) {
                throw new IllegalArgumentException("the stand-ins and their admin API bind loopback addresses only, not " + host);
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host " + host, e);
        }
    }
}
