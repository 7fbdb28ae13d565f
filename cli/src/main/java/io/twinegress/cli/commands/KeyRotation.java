package io.twinegress.cli.commands;

import static io.twinegress.cli.commands.CommandSteps.awaitConnector;
import static io.twinegress.cli.commands.CommandSteps.checkId;
import static io.twinegress.cli.commands.CommandSteps.fail;
import static io.twinegress.cli.commands.CommandSteps.finish;

import io.twinegress.cli.body.InvalidInputException;
import io.twinegress.cli.connect.ConnectorConfig;
import io.twinegress.cli.connect.ConnectorConfigs;
import io.twinegress.cli.output.Secret;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code endpoints update <id> --primary-key-from ... [--secondary-key-from ...]}: the connector
 * config only, its task restarting with the new key at once. Where the connector reads
 * {@code ${file:...}} references, the new values go to that file and the connector is restarted
 * (the references themselves do not change); a key from {@code ${env:...}} lives on the worker
 * and is left alone.
 */
final class KeyRotation {

    private final Context ctx;

    KeyRotation(Context ctx) {
        this.ctx = ctx;
    }

    /** Either key may be null, not both. */
    void rotate(String id, Secret primaryKey, Secret secondaryKey) {
        Instant started = Instant.now();
        checkId(id);
        ConnectorConfig current = CommandSteps.connectorConfig(ctx, id).orElseThrow(() -> new InvalidInputException("id",
                "no connector \"" + id + "\" on " + ctx.connect().baseUrl() + ": create the endpoint first"));
        String connectorClass = current.get("connector.class").orElse("");
        boolean eventGrid = connectorClass.endsWith("EventGridSinkConnector");
        Map<String, Secret> fileValues = new LinkedHashMap<>();
        // The secrets file the connector already reads from, if any: a key given for a slot that is empty goes there too.
        Path file = current.secret(ConnectorConfigs.CONNECTION_STRING).flatMap(SecretReferences::fileReference)
                .map(SecretReferences.FileReference::file).orElse(null);
        ConnectorConfig next = current;
        for (var e : List.of(Map.entry(ConnectorConfigs.CONNECTION_STRING, Optional.ofNullable(primaryKey)),
                Map.entry(ConnectorConfigs.SECONDARY_CONNECTION_STRING, Optional.ofNullable(secondaryKey)))) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            String key = e.getKey();
            boolean isPrimary = key.equals(ConnectorConfigs.CONNECTION_STRING);
            Secret given = e.getValue().get();
            Optional<Secret> now = current.secret(key);
            String option = isPrimary ? "--primary-key-from" : "--secondary-key-from";
            if (now.isPresent() && SecretReferences.isEnvReference(now.get())) {
                throw new InvalidInputException(option, key + " comes from the worker's environment (" + now.get().reveal()
                        + "): change the variable on the worker and restart the connector");
            }
            Optional<SecretReferences.FileReference> ref = now.flatMap(SecretReferences::fileReference);
            Secret currentValue = now.orElse(null);
            String fileKey = isPrimary ? SecretsFile.PRIMARY : SecretsFile.SECONDARY;
            if (ref.isPresent()) {
                file = ref.get().file();
                fileKey = ref.get().key();
                currentValue = SecretReferences.readFileValue(ref.get(), option).orElse(null);
            } else if (now.isEmpty() && !isPrimary) {
                // No secondary yet: its bare key goes into a copy of the primary connection string.
                currentValue = next.secret(ConnectorConfigs.CONNECTION_STRING)
                        .flatMap(p -> SecretReferences.resolve(p, option)).orElse(null);
            }
            Secret value = SecretReferences.newValue(option, given, currentValue, eventGrid);
            if (ref.isPresent() || (now.isEmpty() && file != null)) {
                fileValues.put(fileKey, value);
                if (now.isEmpty()) {
                    next = next.withSecret(key, Secret.reference(new SecretReferences.FileReference(file, fileKey).reference()));
                }
            } else {
                next = next.withSecret(key, value);
            }
        }
        // Validate what the connector will read: the new values, inline.
        ConnectorConfig check = next;
        for (var v : fileValues.entrySet()) {
            String reference = new SecretReferences.FileReference(file, v.getKey()).reference();
            for (String key : List.of(ConnectorConfigs.CONNECTION_STRING, ConnectorConfigs.SECONDARY_CONNECTION_STRING)) {
                if (next.secret(key).map(x -> x.reveal().equals(reference)).orElse(false)) {
                    check = check.withSecret(key, v.getValue());
                }
            }
        }
        fail(CommandSteps.validate(ctx, connectorClass, check));
        if (!fileValues.isEmpty()) {
            try {
                SecretsFile.write(file, fileValues);
            } catch (IOException e) {
                throw new InvalidInputException("--secrets-as", "cannot write " + file + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        ctx.connect().putConnector(id, next.toRequest());
        if (!fileValues.isEmpty()) {
            // The ${file:...} references may be unchanged: Connect would keep the task; make it re-read the file.
            ctx.connect().restartConnector(id);
        }
        ctx.console().out("connector " + id + ": " + (primaryKey != null ? "primary" : "")
                + (primaryKey != null && secondaryKey != null ? " and " : "")
                + (secondaryKey != null ? "secondary" : "") + " key replaced" + (!fileValues.isEmpty() ? " in " + file : "")
                + "; task restarted");
        List<String> pending = new ArrayList<>();
        if (ctx.waitForState()) {
            awaitConnector(ctx, id, started.plus(ctx.timeout()), pending);
        }
        finish(ctx, started, pending);
    }
}
