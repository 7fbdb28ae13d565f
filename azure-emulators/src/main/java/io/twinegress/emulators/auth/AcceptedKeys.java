package io.twinegress.emulators.auth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The shared access keys a stand-in accepts: several key names, each with one or more
 * valid keys at once (Azure's primary and secondary). Thread-safe; every change bumps
 * {@link #version()} so callers can tell that live sessions must be re-checked.
 *
 * <p>Keys are compared as the exact strings configured (Service Bus and Event Hubs sign
 * with the UTF-8 bytes of the key string). Nothing here ever logs or prints a key.
 */
public final class AcceptedKeys {

    private final Map<String, List<String>> keysByName = new LinkedHashMap<>();
    private long version;

    /** Adds {@code key} as a valid key of {@code keyName} (keeping the ones already there). */
    public synchronized void add(String keyName, String key) {
        requireText(keyName, "keyName");
        requireText(key, "key");
        List<String> keys = keysByName.computeIfAbsent(keyName, n -> new ArrayList<>());
        if (!keys.contains(key)) {
            keys.add(key);
        }
        version++;
    }

    /** Replaces every key of {@code keyName} with {@code keys}; no keys removes the name. */
    public synchronized void set(String keyName, List<String> keys) {
        requireText(keyName, "keyName");
        Objects.requireNonNull(keys, "keys");
        if (keys.isEmpty()) {
            keysByName.remove(keyName);
        } else {
            keys.forEach(k -> requireText(k, "key"));
            keysByName.put(keyName, new ArrayList<>(keys));
        }
        version++;
    }

    /** Makes {@code key} invalid for {@code keyName}; returns whether it was valid before. */
    public synchronized boolean revoke(String keyName, String key) {
        List<String> keys = keysByName.get(keyName);
        boolean removed = keys != null && keys.remove(key);
        if (keys != null && keys.isEmpty()) {
            keysByName.remove(keyName);
        }
        version++;
        return removed;
    }

    /** The valid keys of {@code keyName}, in the order added (empty when unknown). */
    public synchronized List<String> keys(String keyName) {
        List<String> keys = keysByName.get(keyName);
        return keys == null ? List.of() : List.copyOf(keys);
    }

    /** Whether {@code key} is currently valid for {@code keyName}. */
    public synchronized boolean isValid(String keyName, String key) {
        List<String> keys = keysByName.get(keyName);
        return keys != null && keys.contains(key);
    }

    /** Number of valid keys per key name: safe to print (no key material). */
    public synchronized Map<String, Integer> keyCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        keysByName.forEach((name, keys) -> counts.put(name, keys.size()));
        return counts;
    }

    /** Incremented on every change. */
    public synchronized long version() {
        return version;
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
    }

    @Override
    public String toString() {
        return "AcceptedKeys" + keyCounts();
    }
}
