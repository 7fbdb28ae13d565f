package io.twinegress.router.routing;

import io.twinegress.schemas.EgressHeaders;
import java.util.Collection;
import java.util.List;

/**
 * Which lineage headers a routed copy carries: the input record's topic, partition and offset
 * ({@link EgressHeaders#SOURCE_TOPIC}, {@link EgressHeaders#SOURCE_PARTITION},
 * {@link EgressHeaders#SOURCE_OFFSET}), each on or off. All three by default. Dead-letter records
 * always carry their source coordinates: replaying them needs them.
 */
public record Lineage(boolean topic, boolean partition, boolean offset) {

    /** The names {@code twin.lineage.headers} takes, in header order. */
    public static final String TOPIC = "source-topic";
    public static final String PARTITION = "source-partition";
    public static final String OFFSET = "source-offset";
    public static final List<String> NAMES = List.of(TOPIC, PARTITION, OFFSET);

    public static final Lineage ALL = new Lineage(true, true, true);

    /** From the configured names (each one of {@link #NAMES}). */
    public static Lineage of(Collection<String> names) {
        for (String name : names) {
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("unknown lineage header " + name + "; known: " + NAMES);
            }
        }
        return new Lineage(names.contains(TOPIC), names.contains(PARTITION), names.contains(OFFSET));
    }

    /** How many lineage headers a copy carries. */
    int count() {
        return (topic ? 1 : 0) + (partition ? 1 : 0) + (offset ? 1 : 0);
    }
}
