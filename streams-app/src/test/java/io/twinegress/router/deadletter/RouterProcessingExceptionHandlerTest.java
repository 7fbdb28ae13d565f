package io.twinegress.router.deadletter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinegress.router.topology.RouterTopology;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class RouterProcessingExceptionHandlerTest {

    private static final byte[] ENDPOINT_RECORD = "{\"connectionString\":\"SharedAccessKey=CANARY\"}".getBytes(StandardCharsets.UTF_8);

    private static ErrorHandlerContext context(String node, String topic) {
        return new ErrorHandlerContext() {
            public String topic() {
                return topic;
            }

            public int partition() {
                return 0;
            }

            public long offset() {
                return 7;
            }

            public Headers headers() {
                return new RecordHeaders();
            }

            public String processorNodeId() {
                return node;
            }

            public TaskId taskId() {
                return new TaskId(0, 0);
            }

            public long timestamp() {
                return 0;
            }

            public byte[] sourceRawKey() {
                return "sb".getBytes(StandardCharsets.UTF_8);
            }

            public byte[] sourceRawValue() {
                return ENDPOINT_RECORD;
            }
        };
    }

    private static RouterProcessingExceptionHandler handler() {
        RouterProcessingExceptionHandler handler = new RouterProcessingExceptionHandler();
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "twin.events.dlq"));
        return handler;
    }

    @Test
    void neverDeadLettersAnEndpointRecord() {
        for (String node : RouterProcessingExceptionHandler.CONTROL_PLANE) {
            ProcessingExceptionHandler.Response response = handler().handleError(context(node, "twin.endpoints"),
                    new Record<>("sb", ENDPOINT_RECORD, 0), new IllegalStateException("a bug"));
            assertEquals(ProcessingExceptionHandler.Result.RESUME, response.result(), node);
            assertTrue(response.deadLetterQueueRecords().isEmpty(), node);
        }
    }

    @Test
    void failsTheTaskToHaveAnEndpointRecordProcessedAgain() {
        ProcessingExceptionHandler.Response response = handler().handleError(context(RouterTopology.ENDPOINTS_PROCESSOR, "twin.endpoints"),
                new Record<>("sb", ENDPOINT_RECORD, 0), new io.twinegress.router.endpoints.EndpointRecordRetryException("egress topic slow", null));
        assertEquals(ProcessingExceptionHandler.Result.FAIL, response.result());
        assertTrue(response.deadLetterQueueRecords().isEmpty());
    }

    @Test
    void deadLettersWhatTheRoutingSideDidNotForesee() {
        ProcessingExceptionHandler.Response response = handler().handleError(context("route-events-twin.events", "twin.events"),
                new Record<>("k".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8), 0),
                new IllegalStateException("a bug"));
        assertEquals(ProcessingExceptionHandler.Result.RESUME, response.result());
        assertEquals(1, response.deadLetterQueueRecords().size());
        assertEquals("twin.events.dlq", response.deadLetterQueueRecords().get(0).topic());
    }
}
