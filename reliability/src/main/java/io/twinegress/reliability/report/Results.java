package io.twinegress.reliability.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/** The results table of one run: one row per scenario, written as Markdown for docs/reliability.md. */
public final class Results {

    /**
     * @param produced   records the broker acknowledged
     * @param egress     "delivered / lost / duplicated" in the egress topics (read_committed), or "-"
     * @param endpoints  "delivered / lost / redelivered" at the stand-ins, or "-"
     * @param notes      what else was checked or seen
     */
    public record Row(String scenario, long produced, String egress, String endpoints, String notes, Duration took) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final String mode;
    private final BiConsumer<String, String> onRow;

    /** {@code onRow} gets each row as it is added (scenario, one line of figures), e.g. for a test report. */
    public Results(String mode, BiConsumer<String, String> onRow) {
        this.mode = mode;
        this.onRow = onRow;
    }

    public synchronized void add(Row r) {
        rows.add(r);
        onRow.accept(r.scenario(), "produced " + r.produced() + ", egress " + r.egress() + ", endpoints " + r.endpoints()
                + " (" + r.took().toSeconds() + " s) " + r.notes());
    }

    public synchronized String markdown() {
        StringBuilder sb = new StringBuilder("Run " + Instant.now() + " (" + mode + ")\n\n")
                .append("| scenario | produced | egress topics: delivered / lost / duplicated | endpoints: delivered / lost / redelivered | took | notes |\n")
                .append("|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append("| ").append(r.scenario()).append(" | ").append(r.produced()).append(" | ").append(r.egress())
                    .append(" | ").append(r.endpoints()).append(" | ").append(r.took().toSeconds()).append(" s | ")
                    .append(r.notes().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, markdown());
    }
}
