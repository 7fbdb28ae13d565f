package io.twinegress.router.deadletter;

import io.twinegress.router.endpoints.EndpointRecordRetryException;
import io.twinegress.router.topology.RouterTopology;
import java.util.Set;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' processing exception handler for the router: {@link LogAndContinueProcessingExceptionHandler}
 * (log, write Kafka Streams' dead-letter record, continue) for the routing side, and something else
 * for the control plane. An endpoint record may hold connection strings, so nothing the endpoint
 * processor lets through is ever written to a dead-letter topic or logged with its content:
 * <ul>
 *   <li>{@link EndpointRecordRetryException}: the task fails, so exactly_once_v2 processes the
 *       endpoint record again from the last commit (the processor bounds how often in a row);</li>
 *   <li>anything else (the processor catches everything it can provoke, so this means a bug): one
 *       log line naming the exception's class and the record's coordinates, and the router goes on.</li>
 * </ul>
 */
public class RouterProcessingExceptionHandler extends LogAndContinueProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RouterProcessingExceptionHandler.class);

    /** The nodes of the sub-topology that reads {@code twin.endpoints}. */
    static final Set<String> CONTROL_PLANE = Set.of(RouterTopology.ENDPOINTS_SOURCE, RouterTopology.ENDPOINTS_PROCESSOR,
            RouterTopology.STATUS_SINK);

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (!CONTROL_PLANE.contains(context.processorNodeId())) {
            return super.handleError(context, record, exception);
        }
        if (exception instanceof EndpointRecordRetryException) {
            LOG.warn("Failing task {} so the endpoint record at {}-{}@{} is processed again: {}", context.taskId(), context.topic(),
                    context.partition(), context.offset(), exception.getMessage());
            return Response.fail();
        }
        LOG.error("The endpoint record at {}-{}@{} could not be processed ({}); it is skipped, not dead-lettered (it may hold "
                + "secrets): re-send it to retry", context.topic(), context.partition(), context.offset(), exception.getClass().getName());
        return Response.resume();
    }
}
