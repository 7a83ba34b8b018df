package dev.lambdaidempotency.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.testkit.RequestCounter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SmokeIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    @Test
    void firstRunThenReplay() {
        RequestCounter counter = new RequestCounter();
        var client = aws.dynamoDbClient(counter);
        var store = aws.newStore(client);
        AtomicInteger runs = new AtomicInteger();
        RequestHandler<Map<String, Object>, String> handler = Idempotency.builder().store(store)
                .config(IdempotencyConfig.builder(Map.of()).functionName("smoke").keyPath("orderId").build())
                .build()
                .wrap((event, ctx) -> "done-" + runs.incrementAndGet(), String.class);
        counter.reset();
        assertEquals("done-1", handler.handleRequest(Map.of("orderId", "o-1"), null));
        assertEquals(2, counter.total());
        counter.reset();
        assertEquals("done-1", handler.handleRequest(Map.of("orderId", "o-1"), null));
        assertEquals(1, counter.total());
        assertEquals(1, runs.get());
    }
}
