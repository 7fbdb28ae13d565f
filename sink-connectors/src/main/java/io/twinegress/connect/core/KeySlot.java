package io.twinegress.connect.core;

/** Which of the endpoint's two keys (connection strings) is meant. Safe to log; the key never is. */
public enum KeySlot {
    PRIMARY("primary", DeliveryConfig.CONNECTION_STRING_CONFIG),
    SECONDARY("secondary", DeliveryConfig.SECONDARY_CONNECTION_STRING_CONFIG);

    private final String label;
    private final String configKey;

    KeySlot(String label, String configKey) {
        this.label = label;
        this.configKey = configKey;
    }

    /** The config key holding this slot's connection string. */
    public String configKey() {
        return configKey;
    }

    public KeySlot other() {
        return this == PRIMARY ? SECONDARY : PRIMARY;
    }

    @Override
    public String toString() {
        return label;
    }
}
