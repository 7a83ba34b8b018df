package dev.lambdaidempotency.benchmarks.function;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import java.util.Map;

/**
 * The bare handler made idempotent the documented way: a store on the Lambda-style client, the key at
 * {@code orderId}, everything else from the environment ({@code AWS_LAMBDA_FUNCTION_NAME},
 * {@code IDEMPOTENCY_TABLE}). Thread-safe.
 */
public final class IdempotentFunction implements RequestHandler<Map<String, Object>, Receipt> {
    private final RequestHandler<Map<String, Object>, Receipt> handler = Idempotency.builder()
            .store(DynamoDbIdempotencyStore.builder().client(LambdaClients.dynamoDb()).build())
            .config(IdempotencyConfig.builder().keyPath("orderId").build())
            .build()
            .wrap(new BareFunction(), Receipt.class);

    @Override
    public Receipt handleRequest(Map<String, Object> event, Context context) {
        return handler.handleRequest(event, context);
    }
}
