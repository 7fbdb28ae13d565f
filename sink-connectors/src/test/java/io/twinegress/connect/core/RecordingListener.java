package io.twinegress.connect.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.sink.SinkRecord;

/** A {@link SendListener} for sender tests: the delivered batches in order, and the rejected records' reasons by offset. */
public final class RecordingListener implements SendListener {

    public final List<List<SinkRecord>> batches = new ArrayList<>();
    public final Map<Long, String> rejected = new LinkedHashMap<>();

    @Override
    public void delivered(List<SinkRecord> batch) {
        batches.add(List.copyOf(batch));
    }

    @Override
    public boolean rejected(SinkRecord record, String reason) {
        rejected.put(record.kafkaOffset(), reason);
        return true;
    }
}
