package io.twinegress.emulators.identity;

import java.util.List;
import java.util.Locale;

/**
 * The Azure built-in data-plane roles the stand-ins check, with the token audiences each service accepts
 * (the resource of the scope the SDK asks for: {@code https://servicebus.azure.net/.default} and so on).
 * Azure evaluates a role assignment at each use, from the token's object id, not from a claim: so do the
 * stand-ins.
 */
public enum Role {
    SERVICE_BUS_DATA_SENDER("Azure Service Bus Data Sender", List.of("https://servicebus.azure.net")),
    /** Event Hubs also accepts tokens for the Service Bus resource, as the service does. */
    EVENT_HUBS_DATA_SENDER("Azure Event Hubs Data Sender",
            List.of("https://eventhubs.azure.net", "https://servicebus.azure.net")),
    EVENT_GRID_DATA_SENDER("EventGrid Data Sender", List.of("https://eventgrid.azure.net"));

    private final String displayName;
    private final List<String> audiences;

    Role(String displayName, List<String> audiences) {
        this.displayName = displayName;
        this.audiences = audiences;
    }

    /** The role's name in Azure, e.g. {@code Azure Service Bus Data Sender}. */
    public String displayName() {
        return displayName;
    }

    /** The token audiences ({@code aud}) the service accepts, without a trailing slash. */
    public List<String> audiences() {
        return audiences;
    }

    /** Whether a token with audience {@code aud} is meant for this role's service (a trailing slash is ignored). */
    public boolean accepts(String aud) {
        if (aud == null) {
            return false;
        }
        String a = aud.endsWith("/") ? aud.substring(0, aud.length() - 1) : aud;
        return audiences.stream().anyMatch(x -> x.equalsIgnoreCase(a));
    }

    /** By enum name ({@code SERVICE_BUS_DATA_SENDER}) or Azure name ({@code Azure Service Bus Data Sender}). */
    public static Role of(String name) {
        for (Role r : values()) {
            if (r.name().equalsIgnoreCase(name.trim()) || r.displayName.equalsIgnoreCase(name.trim())) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + name + "'; known: " + List.of(values()).stream()
                .map(r -> r.name() + " (" + r.displayName + ")").toList());
    }

    @Override
    public String toString() {
        return displayName;
    }

    String lower() {
        return name().toLowerCase(Locale.ROOT);
    }
}
