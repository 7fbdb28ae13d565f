package io.twinegress.router.endpoints;

import io.twinegress.schemas.ReplayStatus;
import java.util.ArrayList;
import java.util.List;

/** What an endpoint's status says when retention took records from its backfill: they are reported, never silently missing. */
final class ReplayWarnings {

    private ReplayWarnings() {
    }

    static List<String> of(ReplayStatus replay) {
        if (replay == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        replay.partitions().forEach((name, p) -> {
            if (p.oldestRetained() != null) {
                out.add("replay: the oldest record still in " + name + " is from " + p.oldestRetained() + ", after replayFrom "
                        + replay.from() + ": events of " + name + " between the two were deleted by retention before the backfill");
            }
            if (p.pastRetention() > 0) {
                out.add("replay: " + p.pastRetention() + " record(s) of " + name + " were deleted by retention before the backfill "
                        + "read them");
            }
        });
        return out;
    }
}
