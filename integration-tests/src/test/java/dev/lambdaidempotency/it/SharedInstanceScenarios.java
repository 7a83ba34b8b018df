package dev.lambdaidempotency.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.IdempotentOperation;
import dev.lambdaidempotency.spi.IdempotencyMetricsSink;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.testkit.MutableClock;
import dev.lambdaidempotency.testkit.TestLambdaContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lambda Managed Instances run several invocations at once in one JVM: one {@link Idempotency} instance, one wrapped
 * handler and one {@link IdempotentOperation}, built at init, serve all of them. N concurrent invocations share
 * them, on keys that several invocations use at once and keys only one uses, with Contexts and without, with the
 * local cache off and on. Every round, per key: exactly one execution; every other invocation that arrived while it
 * ran is refused as in progress (the executing invocations hold their operation until every invocation of the
 * round has either entered its operation or returned, so the outcome is deterministic, not a matter of timing);
 * then N concurrent repeats all replay exactly that execution's result, and nothing runs again.
 */
abstract class SharedInstanceScenarios {
    private static final int INVOCATIONS = 16;
    private static final int ROUNDS = 12;
    private static final long WAIT_SECONDS = 30;

    private final MutableClock clock = MutableClock.start();
    private ExecutorService pool;

    /** A store on fresh, empty storage. */
    protected abstract IdempotencyStore newStore();

    @BeforeEach
    void startPool() {
        pool = Executors.newFixedThreadPool(INVOCATIONS);
    }

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    /** Key of invocation {@code i}: half share two keys (four invocations each), half have a key of their own. */
    private static String key(int round, int i) {
        return i < INVOCATIONS / 2 ? "r" + round + "-shared-" + i % 2 : "r" + round + "-own-" + i;
    }

    @ParameterizedTest(name = "local cache {0}")
    @ValueSource(ints = {0, 64})
    void oneInstanceSharedByConcurrentInvocationsKeepsEveryInvariant(int localCacheSize) throws Exception {
        Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
        AtomicInteger results = new AtomicInteger();
        CountDownLatch[] settled = new CountDownLatch[1];
        CountDownLatch[] release = new CountDownLatch[1];
        Idempotency idempotency = Idempotency.builder().store(newStore()).metrics(IdempotencyMetricsSink.NONE)
                .config(IdempotencyConfig.builder(Map.of()).functionName("shared").keyPath("orderId")
                        .localCacheSize(localCacheSize).clock(clock).build())
                .build();
        RequestHandler<Map<String, Object>, String> handler = idempotency.wrap((event, context) -> {
            return runOnce("handler:" + event.get("orderId"), executions, results, settled[0], release[0]);
        }, String.class);
        IdempotentOperation<String> operation = idempotency.operation("op", String.class);

        for (int round = 0; round < ROUNDS; round++) {
            settled[0] = new CountDownLatch(INVOCATIONS);
            release[0] = new CountDownLatch(1);
            int r = round;
            List<Future<Object>> first = submitAll(i -> call(handler, operation, r, i, settled[0], executions,
                    results, release[0]));
            assertTrue(settled[0].await(WAIT_SECONDS, TimeUnit.SECONDS), "every invocation entered or returned");
            release[0].countDown();
            Map<String, List<Object>> outcomes = new java.util.TreeMap<>();
            for (int i = 0; i < INVOCATIONS; i++) {
                outcomes.computeIfAbsent(label(r, i), k -> new ArrayList<>())
                        .add(first.get(i).get(WAIT_SECONDS, TimeUnit.SECONDS));
            }
            for (Map.Entry<String, List<Object>> key : outcomes.entrySet()) {
                assertEquals(1, executions.get(key.getKey()).get(), "one execution of " + key.getKey());
                List<Object> values = key.getValue().stream().filter(o -> !"in progress".equals(o)).toList();
                assertEquals(1, values.size(), "the others were refused as in progress: " + key.getValue());
            }

            // N concurrent repeats: all replay, nothing runs again
            CountDownLatch noWait = new CountDownLatch(0);
            List<Future<Object>> repeats = submitAll(i -> call(handler, operation, r, i, noWait, executions, results,
                    noWait));
            for (int i = 0; i < INVOCATIONS; i++) {
                Object replayed = repeats.get(i).get(WAIT_SECONDS, TimeUnit.SECONDS);
                List<Object> firstOutcomes = outcomes.get(label(r, i));
                assertTrue(firstOutcomes.contains(replayed) && !"in progress".equals(replayed),
                        "a repeat of " + label(r, i) + " replays its result: " + replayed + " vs " + firstOutcomes);
            }
            for (String key : outcomes.keySet()) {
                assertEquals(1, executions.get(key).get(), "still one execution of " + key);
            }
        }
        assertEquals(results.get(), executions.values().stream().mapToInt(AtomicInteger::get).sum());
    }

    /** Odd invocations use the wrapped handler, even ones the operation; a third of them without a Context. */
    private String label(int round, int i) {
        return (i % 2 == 0 ? "op:" : "handler:") + key(round, i);
    }

    private Object call(RequestHandler<Map<String, Object>, String> handler, IdempotentOperation<String> operation,
            int round, int i, CountDownLatch settled, Map<String, AtomicInteger> executions, AtomicInteger results,
            CountDownLatch release) {
        String key = key(round, i);
        TestLambdaContext context = i % 3 == 0 ? null : TestLambdaContext.remaining(clock, Duration.ofMinutes(15));
        try {
            Object value = i % 2 == 0
                    ? operation.call(key, null, context, () -> runOnce("op:" + key, executions, results, settled,
                            release))
                    : handler.handleRequest(Map.of("orderId", key), context);
            return value;
        } catch (IdempotencyInProgressException e) {
            settled.countDown();
            return "in progress";
        } catch (RuntimeException e) {
            settled.countDown();
            return e;
        }
    }

    /** The operation: counts its execution, signals that it runs, and holds until the round's release. */
    private static String runOnce(String label, Map<String, AtomicInteger> executions, AtomicInteger results,
            CountDownLatch settled, CountDownLatch release) {
        executions.computeIfAbsent(label, k -> new AtomicInteger()).incrementAndGet();
        String value = label + "#" + results.incrementAndGet();
        settled.countDown();
        try {
            if (!release.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return value;
    }

    private interface Invocation {
        Object run(int i) throws Exception;
    }

    private List<Future<Object>> submitAll(Invocation invocation) throws Exception {
        CyclicBarrier start = new CyclicBarrier(INVOCATIONS);
        List<Future<Object>> futures = new ArrayList<>();
        for (int i = 0; i < INVOCATIONS; i++) {
            int index = i;
            futures.add(pool.submit(() -> {
                start.await(WAIT_SECONDS, TimeUnit.SECONDS);
                return invocation.run(index);
            }));
        }
        return futures;
    }
}
