package dev.lambdaidempotency.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Without a result store, results up to the inline limit are kept in the item; larger ones are unavailable. */
class DynamoDbItemLimitIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    @Test
    void theLargestInlineResultFitsInADynamoDbItemAndOneByteMoreIsRecordedAsUnavailable() {
        DynamoDbIdempotencyStore store = aws.newStore(aws.dynamoDbClient());
        int limit = store.maxInlineResultBytes();
        AtomicInteger runs = new AtomicInteger();
        RequestHandler<Map<String, Object>, String> handler = Idempotency.builder().store(store)
                .config(IdempotencyConfig.builder(Map.of()).functionName("a".repeat(140))
                        .keySpace("b".repeat(140)).keyPath("size").payloadPath("size").build())
                .build()
                .wrap((event, context) -> {
                    runs.incrementAndGet();
                    return "x".repeat((Integer) event.get("size") - 2);   // as JSON: two quotes more
                }, String.class);

        String largest = handler.handleRequest(Map.of("size", limit), null);
        assertEquals(limit - 2, largest.length());
        assertEquals(largest, handler.handleRequest(Map.of("size", limit), null), "stored inline and replayed");

        assertEquals(limit - 1, handler.handleRequest(Map.of("size", limit + 1), null).length(),
                "the live result is returned");
        IdempotencyResultUnavailableException e = assertThrows(IdempotencyResultUnavailableException.class,
                () -> handler.handleRequest(Map.of("size", limit + 1), null));
        assertTrue(e.getMessage().contains("exceeds the record limit of " + limit + " bytes"), e.getMessage());
        assertEquals(2, runs.get(), "never run again");
    }
}
