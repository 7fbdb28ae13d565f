package io.twinegress.cli.dlq;

/** Where a dead letter's record was before it was dead-lettered. */
public record Origin(String topic, int partition, long offset) {

    @Override
    public String toString() {
        return topic + " " + partition + "/" + offset;
    }

    static Origin of(String topic, String partition, String offset) {
        if (topic == null || partition == null || offset == null) {
            return null;
        }
        try {
            return new Origin(topic, Integer.parseInt(partition.trim()), Long.parseLong(offset.trim()));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
