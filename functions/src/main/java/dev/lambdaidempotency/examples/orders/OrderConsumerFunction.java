package dev.lambdaidempotency.examples.orders;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.batch.IdempotentBatch;
import dev.lambdaidempotency.examples.wiring.FunctionWiring;
import java.time.Clock;

/**
 * Consumes orders from SQS, processing each order at most once: one {@value #OPERATION} operation per record, keyed
 * by the order id in the body (a producer may re-send an order as a new message with a new message id) and
 * validated against the whole body. Duplicates, in this batch or a redelivered one, are skipped as successes; a
 * record another invocation is processing, a failed fulfilment and an unreadable or changed order are reported in
 * the {@link SQSBatchResponse} (the event source mapping has {@code ReportBatchItemFailures}).
 */
public final class OrderConsumerFunction implements RequestHandler<SQSEvent, SQSBatchResponse> {
    /** The idempotent operation's name (template.yaml's dashboard and alarms use it). */
    public static final String OPERATION = "process-order";
    /** The record scope outside Lambda (inside, the function's name). */
    public static final String LOCAL_FUNCTION_NAME = "order-consumer";

    /** Kept for as long as the function lives: it holds the SnapStart priming hook, which CRaC holds weakly. */
    private final Idempotency idempotency;
    private final RequestHandler<SQSEvent, SQSBatchResponse> batch;

    /** Used by the Lambda runtime: wiring from the environment, simulated fulfilment. */
    public OrderConsumerFunction() {
        this(FunctionWiring.environment(), new SimulatedFulfilment(Clock.systemUTC()));
    }

    /**
     * @param wiring     the AWS wiring
     * @param fulfilment fulfils orders
     */
    public OrderConsumerFunction(FunctionWiring wiring, OrderFulfilment fulfilment) {
        idempotency = wiring.idempotency(LOCAL_FUNCTION_NAME, config -> { });
        batch = IdempotentBatch.sqs(idempotency, Order.class)
                .operation(OPERATION)
                .keyedBy(Order::orderId)
                .process(OrderConfirmation.class, (order, context) -> fulfilment.fulfil(order));
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return batch.handleRequest(event, context);
    }
}
