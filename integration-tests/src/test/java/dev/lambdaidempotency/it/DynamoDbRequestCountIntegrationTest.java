package dev.lambdaidempotency.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.IdempotencyKeyException;
import dev.lambdaidempotency.IdempotencyPayloadMismatchException;
import dev.lambdaidempotency.MissingKeyPolicy;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.it.support.Events;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.testkit.RequestCounter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The DynamoDB requests each path costs, counted on the wire. */
class DynamoDbRequestCountIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    private final RequestCounter counter = new RequestCounter();
    private DynamoDbIdempotencyStore store;

    @BeforeEach
    void newTable() {
        DynamoDbClient client = aws.dynamoDbClient(counter);
        store = aws.newStore(client);
        counter.reset();
    }

    @AfterEach
    void noOtherOperations() {
        counter.snapshot().keySet().forEach(operation -> assertEquals(true,
                operation.endsWith(".PutItem") || operation.endsWith(".DeleteItem"), operation));
    }

    private RequestHandler<Map<String, Object>, String> handler(UnaryOperator<IdempotencyConfig.Builder> settings,
            RequestHandler<Map<String, Object>, String> inner) {
        return Idempotency.builder().store(store)
                .config(settings.apply(IdempotencyConfig.builder(Map.of()).functionName("count-fn")
                        .keyPath("orderId")).build())
                .build()
                .wrap(inner, String.class);
    }

    /** Requests sent since the last call, by operation name. */
    private Map<String, Long> sent() {
        Map<String, Long> byOperation = new TreeMap<>();
        counter.snapshot().forEach((key, count) -> byOperation.put(key.substring(key.indexOf('.') + 1), count));
        counter.reset();
        return byOperation;
    }

    @Test
    void firstRunCostsTwoPutsAndAReplayOne() {
        RequestHandler<Map<String, Object>, String> handler = handler(c -> c, (event, context) -> "ok");
        handler.handleRequest(Events.order("o-1"), null);
        assertEquals(Map.of("PutItem", 2L), sent(), "claim + completion");
        handler.handleRequest(Events.order("o-1"), null);
        assertEquals(Map.of("PutItem", 1L), sent(), "the refused claim carries the record");
        handler.handleRequest(Events.order("o-1"), null);
        assertEquals(Map.of("PutItem", 1L), sent(), "no cache configured");
    }

    @Test
    void aCachedReplayCostsNothing() {
        RequestHandler<Map<String, Object>, String> handler = handler(c -> c.localCacheSize(10),
                (event, context) -> "ok");
        handler.handleRequest(Events.order("o-1"), null);
        assertEquals(Map.of("PutItem", 2L), sent());
        for (int i = 0; i < 3; i++) {
            assertEquals("ok", handler.handleRequest(Events.order("o-1"), null));
        }
        assertEquals(Map.of(), sent(), "replayed from memory");

        RequestHandler<Map<String, Object>, String> otherEnvironment = handler(c -> c.localCacheSize(10),
                (event, context) -> "must not run");
        assertEquals("ok", otherEnvironment.handleRequest(Events.order("o-1"), null));
        assertEquals(Map.of("PutItem", 1L), sent(), "another execution environment reads it once");
        assertEquals("ok", otherEnvironment.handleRequest(Events.order("o-1"), null));
        assertEquals(Map.of(), sent(), "then caches it");
    }

    @Test
    void aCachedRecordStillRejectsAnotherPayloadWithoutARequest() {
        RequestHandler<Map<String, Object>, String> handler = handler(c -> c.localCacheSize(10).payloadPath(
                "amount"), (event, context) -> "ok");
        handler.handleRequest(Events.order("o-1", "amount", 1), null);
        sent();
        assertThrows(IdempotencyPayloadMismatchException.class,
                () -> handler.handleRequest(Events.order("o-1", "amount", 2), null));
        assertEquals(Map.of(), sent());
    }

    @Test
    void aFailureCostsAClaimAndADelete() {
        RequestHandler<Map<String, Object>, String> handler = handler(c -> c, (event, context) -> {
            throw new IllegalStateException("boom");
        });
        assertThrows(IllegalStateException.class, () -> handler.handleRequest(Events.order("o-1"), null));
        assertEquals(Map.of("PutItem", 1L, "DeleteItem", 1L), sent());
    }

    @Test
    void refusalsCostOneRequest() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        RequestHandler<Map<String, Object>, String> handler = handler(c -> c.payloadPath("amount"),
                (event, context) -> {
                    started.countDown();
                    try {
                        finish.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return "ok";
                });
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<String> first = executor.submit(() -> handler.handleRequest(Events.order("o-1", "amount", 1),
                    null));
            started.await(10, TimeUnit.SECONDS);
            sent();
            assertThrows(IdempotencyInProgressException.class,
                    () -> handler.handleRequest(Events.order("o-1", "amount", 1), null));
            assertEquals(Map.of("PutItem", 1L), sent(), "in progress");
            assertThrows(IdempotencyPayloadMismatchException.class,
                    () -> handler.handleRequest(Events.order("o-1", "amount", 2), null));
            assertEquals(Map.of("PutItem", 1L), sent(), "payload mismatch");
            finish.countDown();
            assertEquals("ok", first.get(10, TimeUnit.SECONDS));
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void noKeyCostsNothing() {
        RequestHandler<Map<String, Object>, String> strict = handler(c -> c, (event, context) -> "ok");
        assertThrows(IdempotencyKeyException.class, () -> strict.handleRequest(Map.of("other", 1), null));
        RequestHandler<Map<String, Object>, String> lenient = handler(
                c -> c.missingKeyPolicy(MissingKeyPolicy.RUN_WITHOUT_IDEMPOTENCY), (event, context) -> "ok");
        assertEquals("ok", lenient.handleRequest(Map.of("other", 1), null));
        assertEquals(Map.of(), sent());
    }
}
