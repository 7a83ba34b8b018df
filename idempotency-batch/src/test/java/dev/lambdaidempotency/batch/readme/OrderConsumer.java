package dev.lambdaidempotency.batch.readme;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.batch.IdempotentBatch;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The README's "wrap an SQS batch" example, verbatim from {@code public class} on (ReadmeSqsExampleIntegrationTest). */
public class OrderConsumer implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final RequestHandler<SQSEvent, SQSBatchResponse> batch = IdempotentBatch
            .sqs(Idempotency.builder().store(DynamoDbIdempotencyStore.builder()      // table: IDEMPOTENCY_TABLE
                    .client(DynamoDbClient.create()).build()).build(), Order.class)
            .keyedBy(Order::orderId)    // not the message id: a producer may send the same order twice
            .process((order, context) -> Warehouse.fulfil(order));

    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return batch.handleRequest(event, context);
    }
}
