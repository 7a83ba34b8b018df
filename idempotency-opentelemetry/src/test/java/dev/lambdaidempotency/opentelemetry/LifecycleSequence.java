package dev.lambdaidempotency.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.IdempotencyPayloadMismatchException;
import dev.lambdaidempotency.spi.IdempotencyMetricsSink;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.spi.IdempotencyTracer;
import dev.lambdaidempotency.spi.ResultStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The one invocation sequence every tracer and metrics sink is held to: a first execution, its replay, a payload
 * mismatch, an in-progress conflict (a duplicate while the first runs on another thread, held by latches), a handler
 * error, a first execution whose result is offloaded and the replay that fetches it. Each invocation runs inside
 * {@link Invocations#around}, which plays the runtime (a Lambda trace header, an ADOT invocation span, or nothing).
 */
final class LifecycleSequence {
    /** The scope of every invocation: the function name. */
    static final String SCOPE = "traced";
    /** Outcomes in the order their {@code idempotency} spans end. */
    static final List<String> OUTCOMES = List.of("new", "replay", "mismatch", "in_progress", "new", "handler_error",
            "new", "replay");

    /** What surrounds each invocation. */
    interface Invocations {
        /** Runs one invocation as the runtime would (a fresh trace header, a parent span, ...). */
        <T> T around(Supplier<T> invocation);
    }

    /** The handler's result: a document of the requested size. */
    public record Document(String orderId, String body) {
    }

    private final AtomicInteger runs = new AtomicInteger();
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    /**
     * Runs the sequence once.
     *
     * @return how often the handler ran (the replays, the mismatch and the conflict run nothing)
     */
    int run(IdempotencyStore store, ResultStore results, IdempotencyTracer tracer, IdempotencyMetricsSink metrics,
            Invocations invocations) throws Exception {
        RequestHandler<Map<String, Object>, Document> handler = Idempotency.builder()
                .store(store)
                .resultStore(results)
                .tracer(tracer)
                .metrics(metrics)
                .config(IdempotencyConfig.builder(Map.of()).functionName(SCOPE).keyPath("orderId")
                        .payloadPath("amount").build())
                .build()
                .wrap((event, context) -> {
                    runs.incrementAndGet();
                    if (Boolean.TRUE.equals(event.get("slow"))) {
                        entered.countDown();
                        await(release);
                    }
                    if (Boolean.TRUE.equals(event.get("fail"))) {
                        throw new IllegalStateException("card declined");
                    }
                    return new Document((String) event.get("orderId"), "x".repeat((Integer) event.get("size")));
                }, Document.class);

        Map<String, Object> small = order("o-1", 100, 10, false, false);
        Document first = invocations.around(() -> handler.handleRequest(small, null));
        assertEquals(first, invocations.around(() -> handler.handleRequest(small, null)));
        assertThrows(IdempotencyPayloadMismatchException.class, () -> invocations.around(
                () -> handler.handleRequest(order("o-1", 999, 10, false, false), null)));

        Map<String, Object> slow = order("o-2", 1, 1, false, true);
        CompletableFuture<Document> running = CompletableFuture.supplyAsync(
                () -> invocations.around(() -> handler.handleRequest(slow, null)));
        assertTrue(entered.await(30, TimeUnit.SECONDS), "the first o-2 never started");
        assertThrows(IdempotencyInProgressException.class, () -> invocations.around(
                () -> handler.handleRequest(slow, null)));
        release.countDown();
        assertEquals("o-2", running.get(30, TimeUnit.SECONDS).orderId());

        assertThrows(IllegalStateException.class, () -> invocations.around(
                () -> handler.handleRequest(order("o-3", 1, 1, true, false), null)));

        Map<String, Object> big = order("o-4", 1, 40 * 1024, false, false);
        Document offloaded = invocations.around(() -> handler.handleRequest(big, null));
        assertEquals(offloaded, invocations.around(() -> handler.handleRequest(big, null)));
        return runs.get();
    }

    private static Map<String, Object> order(String id, int amount, int size, boolean fail, boolean slow) {
        return Map.of("orderId", id, "amount", amount, "size", size, "fail", fail, "slow", slow);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
