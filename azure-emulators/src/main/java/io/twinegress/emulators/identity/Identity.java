package io.twinegress.emulators.identity;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * One principal of the local identity provider: a managed identity, an app registration with a client
 * secret, or an app registration with a federated credential (workload identity), or several at once.
 *
 * @param clientId         the application (client) id the credential names; also the {@code appid} claim
 * @param objectId         the principal's object id: the {@code oid} claim, what role assignments name
 * @param managed          reachable through the managed-identity endpoint
 * @param systemAssigned   the managed identity answered when a request names no client id
 * @param secret           the client secret, or null; never printed
 * @param federatedSubject the subject a federated assertion must carry (e.g.
 *                         {@code system:serviceaccount:twin-egress:connect}), or null
 */
public record Identity(String clientId, String objectId, boolean managed, boolean systemAssigned, String secret,
                       String federatedSubject) {

    public Identity {
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("an identity needs a client id");
        }
        if (objectId == null || objectId.isBlank()) {
            objectId = objectIdFor(clientId);
        }
    }

    /** The object id an identity gets when none is given: stable for a client id. */
    public static String objectIdFor(String clientId) {
        return UUID.nameUUIDFromBytes(("object-id:" + clientId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** What kinds of credential it answers to, for logs and the admin API. */
    public String kinds() {
        StringBuilder b = new StringBuilder();
        if (managed) {
            b.append(systemAssigned ? "managed-identity(system-assigned)" : "managed-identity");
        }
        if (secret != null) {
            b.append(b.length() > 0 ? "," : "").append("client-secret");
        }
        if (federatedSubject != null) {
            b.append(b.length() > 0 ? "," : "").append("workload-identity");
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "Identity[" + clientId + ", oid " + objectId + ", " + kinds() + "]";
    }
}
