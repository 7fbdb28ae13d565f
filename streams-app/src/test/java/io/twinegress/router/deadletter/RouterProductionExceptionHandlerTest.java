package io.twinegress.router.deadletter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class RouterProductionExceptionHandlerTest {

    private final RouterProductionExceptionHandler handler = new RouterProductionExceptionHandler();
    private final ErrorHandlerContext context = new ErrorHandlerContext() {
        public String topic() { return "twin.events"; }
        public int partition() { return 2; }
        public long offset() { return 42; }
        public org.apache.kafka.common.header.Headers headers() { return new RecordHeaders(); }
        public String processorNodeId() { return "route-events-twin.events"; }
        public TaskId taskId() { return new TaskId(1, 2); }
        public long timestamp() { return 0; }
        public byte[] sourceRawKey() { return null; }
        public byte[] sourceRawValue() { return null; }
    };
    private final ProducerRecord<byte[], byte[]> routed = new ProducerRecord<>("twin.egress.sb", null,
            "k".getBytes(StandardCharsets.UTF_8), new byte[5000], new RecordHeaders().add("twin-egress.endpoint-id", "sb".getBytes()));

    @Test
    void aRecordTooLargeForItsTopicIsDeadLetteredWithoutItsValueAndRoutingGoesOn() {
        handler.configure(Map.of("errors.dead.letter.queue.topic.name", "twin.events.dlq"));
        ProductionExceptionHandler.Response response = handler.handleError(context, routed, new RecordTooLargeException("too big"));
        assertEquals(ProductionExceptionHandler.Result.RESUME, response.result());
        List<ProducerRecord<byte[], byte[]>> dlq = response.deadLetterQueueRecords();
        assertEquals(1, dlq.size());
        assertEquals("twin.events.dlq", dlq.get(0).topic());
        assertNull(dlq.get(0).value());
        assertEquals("record-too-large", new String(dlq.get(0).headers().lastHeader(DeadLetters.ERROR).value()));
        assertEquals("5000", new String(dlq.get(0).headers().lastHeader(DeadLetters.ORIGINAL_SIZE).value()));
        assertEquals("42", new String(dlq.get(0).headers().lastHeader("twin-egress.source-offset").value()));
    }

    @Test
    void onTheProducersIoThreadItSkipsTheRecordWithoutADeadLetterRecordThatWouldDeadlock() throws Exception {
        handler.configure(Map.of("errors.dead.letter.queue.topic.name", "twin.events.dlq"));
        ProductionExceptionHandler.Response[] response = new ProductionExceptionHandler.Response[1];
        Thread io = new Thread(() -> response[0] = handler.handleError(context, routed, new RecordTooLargeException("too big")),
                "kafka-producer-network-thread | router-StreamThread-1-producer");
        io.start();
        io.join();
        assertEquals(ProductionExceptionHandler.Result.RESUME, response[0].result());
        assertEquals(List.of(), response[0].deadLetterQueueRecords());
    }

    @Test
    void anyOtherSendFailureFailsTheTask() {
        handler.configure(Map.of("errors.dead.letter.queue.topic.name", "twin.events.dlq"));
        assertEquals(ProductionExceptionHandler.Result.FAIL,
                handler.handleError(context, routed, new TopicAuthorizationException("no")).result());
    }
}
