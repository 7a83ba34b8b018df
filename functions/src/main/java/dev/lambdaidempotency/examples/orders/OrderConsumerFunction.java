package dev.lambdaidempotency.examples.orders;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdaidempotency.IdempotencyClaimLostException;
import dev.lambdaidempotency.IdempotencyException;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.IdempotencyPayloadMismatchException;
import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.IdempotentOperation;
import dev.lambdaidempotency.examples.wiring.FunctionWiring;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Consumes orders from SQS, processing each order at most once.
 *
 * <p>Each record is its own idempotent operation ({@value #OPERATION}), keyed by the order id in the message body
 * (an order re-sent by a producer arrives as a new message with a new message id, so the message id would not
 * catch it) and validated against the whole order. The function returns an {@link SQSBatchResponse} listing only
 * the records that must be delivered again (the event source mapping has {@code ReportBatchItemFailures}):
 *
 * <ul>
 *   <li>an order already processed, in this batch or an earlier one, is skipped and counts as success;</li>
 *   <li>an order another invocation is processing right now is reported, so SQS delivers it again later, when it
 *       will be a duplicate;</li>
 *   <li>a failed fulfilment or store error is reported (retried); an unreadable message or an order id reused for
 *       a different order is reported too and ends in the dead-letter queue.</li>
 * </ul>
 */
public final class OrderConsumerFunction implements RequestHandler<SQSEvent, SQSBatchResponse> {
    /** The idempotent operation's name. */
    public static final String OPERATION = "process-order";
    /** The record scope outside Lambda (inside, the function's name). */
    public static final String LOCAL_FUNCTION_NAME = "order-consumer";

    private final IdempotentOperation<OrderConfirmation> processOrder;
    private final OrderFulfilment fulfilment;
    private final ObjectMapper json = FunctionWiring.json();

    /** Used by the Lambda runtime: wiring from the environment, simulated fulfilment. */
    public OrderConsumerFunction() {
        this(FunctionWiring.environment(), new SimulatedFulfilment(Clock.systemUTC()));
    }

    /**
     * @param wiring     the AWS wiring
     * @param fulfilment fulfils orders
     */
    public OrderConsumerFunction(FunctionWiring wiring, OrderFulfilment fulfilment) {
        this.fulfilment = Objects.requireNonNull(fulfilment, "fulfilment");
        this.processOrder = wiring.idempotency(LOCAL_FUNCTION_NAME, config -> { })
                .operation(OPERATION, OrderConfirmation.class);
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<SQSEvent.SQSMessage> records = event.getRecords() == null ? List.of() : event.getRecords();
        for (SQSEvent.SQSMessage message : records) {
            RecordOutcome outcome = process(message, context);
            if (outcome.reportedAsFailure()) {
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }

    /**
     * Processes one record.
     *
     * @param message the SQS message
     * @param context the invocation's context (bounds the claim), or {@code null}
     * @return what happened
     */
    RecordOutcome process(SQSEvent.SQSMessage message, Context context) {
        String messageId = message.getMessageId();
        Order order;
        try {
            order = json.readValue(message.getBody() == null ? "" : message.getBody(), Order.class);
        } catch (JsonProcessingException e) {
            return log(context, RecordOutcome.REJECTED, messageId, null, "body is not an order: "
                    + e.getOriginalMessage());
        }
        if (order == null || order.orderId() == null || order.orderId().isBlank()) {
            return log(context, RecordOutcome.REJECTED, messageId, null, "order has no orderId");
        }
        boolean[] executed = {false};
        try {
            OrderConfirmation confirmation = processOrder.call(order.orderId(), order, context, () -> {
                executed[0] = true;
                return fulfilment.fulfil(order);
            });
            return executed[0]
                    ? log(context, RecordOutcome.PROCESSED, messageId, order, confirmation.fulfilmentId())
                    : log(context, RecordOutcome.DUPLICATE_SKIPPED, messageId, order, "already processed as "
                            + confirmation.fulfilmentId());
        } catch (IdempotencyInProgressException e) {
            return log(context, RecordOutcome.IN_PROGRESS_RETRY, messageId, order, "being processed by another "
                    + "invocation");
        } catch (IdempotencyPayloadMismatchException e) {
            return log(context, RecordOutcome.REJECTED, messageId, order, "this orderId was already processed with "
                    + "different contents");
        } catch (IdempotencyResultUnavailableException e) {
            // processed before, but its confirmation was not kept: it must not run again
            return log(context, RecordOutcome.DUPLICATE_SKIPPED, messageId, order, "already processed "
                    + "(confirmation unavailable)");
        } catch (IdempotencyClaimLostException e) {
            return log(context, RecordOutcome.FAILED_RETRY, messageId, order, "claim taken over while processing");
        } catch (IdempotencyException e) {
            return log(context, RecordOutcome.FAILED_RETRY, messageId, order, e.getClass().getSimpleName() + ": "
                    + e.getMessage());
        } catch (RuntimeException e) {
            return log(context, RecordOutcome.FAILED_RETRY, messageId, order, "fulfilment failed: " + e);
        }
    }

    private static RecordOutcome log(Context context, RecordOutcome outcome, String messageId, Order order,
            String detail) {
        String line = "record " + messageId + (order == null ? "" : " order " + order.orderId()) + ": " + outcome
                + " (" + detail + ")";
        if (context != null && context.getLogger() != null) {
            context.getLogger().log(line);
        } else {
            System.out.println(line);
        }
        return outcome;
    }
}
