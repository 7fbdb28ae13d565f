package io.twinegress.router.routing;

import io.twinegress.schemas.EgressHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * One routing processor's source-topic and source-partition headers, built again only when they
 * change: a processor instance belongs to one task, which reads one partition of one topic, so
 * they are the same for every record it routes. Not thread-safe (one per processor).
 */
final class SourceHeaders {

    private String topic;
    private Header topicHeader;
    private int partition = -1;
    private Header partitionHeader;

    Header topic(String name) {
        if (!name.equals(topic)) {
            topicHeader = new RecordHeader(EgressHeaders.SOURCE_TOPIC, name.getBytes(StandardCharsets.UTF_8));
            topic = name;
        }
        return topicHeader;
    }

    Header partition(int number) {
        if (number != partition || partitionHeader == null) {
            partitionHeader = new RecordHeader(EgressHeaders.SOURCE_PARTITION,
                    Integer.toString(number).getBytes(StandardCharsets.UTF_8));
            partition = number;
        }
        return partitionHeader;
    }
}
