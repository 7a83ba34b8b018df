package dev.lambdaidempotency.reliability;

import dev.lambdaidempotency.testkit.TestLambdaContext;

import dev.lambdaidempotency.testkit.MutableClock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyClaimLostException;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.testkit.RequestCounter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Races on real DynamoDB Local. Invariant everywhere: at most one execution per key per validity window, and every
 * caller gets the result or a typed error (here: {@link IdempotencyInProgressException}, or
 * {@link IdempotencyClaimLostException} for an owner whose lapsed claim was taken over).
 */
class ConcurrencyIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    private static final int[] THREADS = {2, 4, 8, 16, 32, 64};
    private static final long WAIT_SECONDS = 60;
    private static final String IN_PROGRESS = "<in progress>";

    private static ExecutorService pool;
    private static DynamoDbIdempotencyStore store;

    @BeforeAll
    static void start() {
        pool = Executors.newFixedThreadPool(65);
        store = aws.newStore(aws.dynamoDbClient());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void racesOnFreshKeysRunOncePerKeyAndEveryCallerGetsTheResultOrInProgress() throws Exception {
        Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
        AtomicInteger values = new AtomicInteger();
        RequestHandler<Map<String, Object>, String> handler = Idempotency.builder()
                .store(store)
                .config(IdempotencyConfig.builder(Map.of()).functionName("fresh-races").keyPath("orderId")
                        .validatePayload(true).build())
                .build()
                .wrap((event, context) -> {
                    executions.computeIfAbsent((String) event.get("orderId"), k -> new AtomicInteger())
                            .incrementAndGet();
                    return "value-" + values.incrementAndGet();
                }, String.class);
        Context context = TestLambdaContext.fixed(60_000);
        int rounds = 150;
        for (int round = 0; round < rounds; round++) {
            int n = THREADS[round % THREADS.length];
            String key = "fresh-" + round;
            Map<String, Object> event = Map.of("orderId", key, "amountCents", round);
            CyclicBarrier start = new CyclicBarrier(n);
            List<Future<Object>> callers = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                callers.add(pool.submit(() -> {
                    start.await();
                    return outcome(() -> handler.handleRequest(event, context));
                }));
            }
            Set<Object> results = new HashSet<>();
            for (Future<Object> caller : callers) {
                Object outcome = caller.get(WAIT_SECONDS, TimeUnit.SECONDS);
                if (!IN_PROGRESS.equals(outcome)) {
                    assertInstanceOf(String.class, outcome, "round " + round + ": only results or in-progress");
                    results.add(outcome);
                }
            }
            assertEquals(1, executions.get(key).get(), "round " + round + " (" + n + " threads): executions");
            assertEquals(1, results.size(), "round " + round + ": every result is the one execution's: " + results);
            assertEquals(results.iterator().next(), handler.handleRequest(event, context), "a later repeat replays");
            assertEquals(1, executions.get(key).get());
        }
        assertEquals(rounds, executions.size());
    }

    @Test
    void racesOnClaimsThatLapseMidRaceAllowOneTakeoverAndFenceTheFormerOwner() throws Exception {
        int shortLease = 1_000;
        MutableClock clock = MutableClock.at(Instant.now());
        Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
        ThreadLocal<CountDownLatch[]> holder = new ThreadLocal<>();
        AtomicInteger values = new AtomicInteger();
        RequestHandler<Map<String, Object>, String> handler = Idempotency.builder()
                .store(store)
                .config(IdempotencyConfig.builder(Map.of()).functionName("lapsing-races").keyPath("orderId")
                        .clock(clock).build())
                .build()
                .wrap((event, context) -> {
                    executions.computeIfAbsent((String) event.get("orderId"), k -> new AtomicInteger())
                            .incrementAndGet();
                    CountDownLatch[] latches = holder.get();
                    if (latches != null) {
                        latches[0].countDown(); // the holder is inside its execution
                        try {
                            if (!latches[1].await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                                throw new IllegalStateException("the holder was never released");
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                        return "holder";
                    }
                    return "racer-" + values.incrementAndGet();
                }, String.class);
        int takeovers = 0;
        int rounds = 100;
        for (int round = 0; round < rounds; round++) {
            int n = THREADS[round % (THREADS.length - 1)];
            String key = "lapsing-" + round;
            Map<String, Object> event = Map.of("orderId", key);
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<Object> holderCall = pool.submit(() -> {
                holder.set(new CountDownLatch[] {holding, release});
                try {
                    return outcome(() -> handler.handleRequest(event, TestLambdaContext.fixed(shortLease)));
                } finally {
                    holder.remove();
                }
            });
            assertTrue(holding.await(WAIT_SECONDS, TimeUnit.SECONDS), "the holder claimed and runs");
            CyclicBarrier start = new CyclicBarrier(n + 1);
            List<Future<Object>> racers = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                racers.add(pool.submit(() -> {
                    start.await();
                    return outcome(() -> handler.handleRequest(event, TestLambdaContext.fixed(60_000)));
                }));
            }
            // the holder's claim lapses at some arbitrary point of the race
            Future<?> lapse = pool.submit(() -> {
                start.await();
                clock.advance(Duration.ofMillis(shortLease + 1));
                return null;
            });
            List<Object> racerOutcomes = new ArrayList<>();
            for (Future<Object> racer : racers) {
                racerOutcomes.add(racer.get(WAIT_SECONDS, TimeUnit.SECONDS));
            }
            lapse.get(WAIT_SECONDS, TimeUnit.SECONDS);
            release.countDown();
            Object holderOutcome = holderCall.get(WAIT_SECONDS, TimeUnit.SECONDS);

            int runs = executions.get(key).get();
            assertTrue(runs == 1 || runs == 2, "round " + round + ": the holder, and at most one takeover: " + runs);
            String recorded;
            if (runs == 2) {
                takeovers++;
                assertInstanceOf(IdempotencyClaimLostException.class, holderOutcome,
                        "round " + round + ": the former owner's completion is fenced off");
                Set<Object> results = new HashSet<>(racerOutcomes);
                results.remove(IN_PROGRESS);
                assertEquals(1, results.size(), "round " + round + ": one takeover result: " + racerOutcomes);
                recorded = (String) results.iterator().next();
                assertTrue(recorded.startsWith("racer-"), recorded);
            } else {
                assertEquals("holder", holderOutcome, "round " + round);
                for (Object o : racerOutcomes) {
                    assertEquals(IN_PROGRESS, o, "round " + round + ": nobody took over");
                }
                recorded = "holder";
            }
            assertEquals(recorded, handler.handleRequest(event, TestLambdaContext.fixed(60_000)),
                    "round " + round + ": the record holds the surviving owner's result");
            assertEquals(runs, executions.get(key).get());
        }
        // the lapse lands before some racers in practically every round; a run without any takeover means the
        // clock never reached the claim condition, i.e. this test did not test anything
        assertTrue(takeovers > 0, "no round saw a takeover");
    }

    @Test
    void independentlyConfiguredInstancesShareOneTableWithoutSharingState() throws Exception {
        List<Instance> instances = new ArrayList<>();
        String[][] configs = {
            // name, functionName, keySpace, local cache size
            {"a", "shared-fn", null, "0"},
            {"b", "other-fn", null, "16"},
            {"c", "shared-fn", "tenant-2", "0"},
            {"d", "shared-fn", null, "16"}, // same scope as "a": they share records, on purpose
        };
        for (String[] c : configs) {
            RequestCounter requests = new RequestCounter();
            DynamoDbClient client = aws.dynamoDbClient(requests);
            AtomicInteger executions = new AtomicInteger();
            String name = c[0];
            RequestHandler<Map<String, Object>, String> handler = Idempotency.builder()
                    .store(DynamoDbIdempotencyStore.builder().client(client).tableName(store.tableName()).build())
                    .config(IdempotencyConfig.builder(Map.of()).functionName(c[1]).keySpace(c[2])
                            .keyPath("orderId").localCacheSize(Integer.parseInt(c[3])).build())
                    .build()
                    .wrap((event, context) -> name + "-" + executions.incrementAndGet(), String.class);
            instances.add(new Instance(name, handler, requests, executions));
        }
        Context context = TestLambdaContext.fixed(60_000);
        int perInstance = 6;
        for (int round = 0; round < 60; round++) {
            Map<String, Object> event = Map.of("orderId", "same-raw-key-" + round);
            CyclicBarrier start = new CyclicBarrier(instances.size() * perInstance);
            Map<String, List<Future<Object>>> calls = new ConcurrentHashMap<>();
            for (Instance instance : instances) {
                for (int t = 0; t < perInstance; t++) {
                    calls.computeIfAbsent(instance.name(), k -> new ArrayList<>()).add(pool.submit(() -> {
                        start.await();
                        return outcome(() -> instance.handler().handleRequest(event, context));
                    }));
                }
            }
            Map<String, Set<Object>> results = new ConcurrentHashMap<>();
            for (Instance instance : instances) {
                Set<Object> seen = new HashSet<>();
                for (Future<Object> call : calls.get(instance.name())) {
                    seen.add(call.get(WAIT_SECONDS, TimeUnit.SECONDS));
                }
                seen.remove(IN_PROGRESS);
                results.put(instance.name(), seen);
            }
            String a = replay(instances.get(0), event, context);
            String b = replay(instances.get(1), event, context);
            String c = replay(instances.get(2), event, context);
            String d = replay(instances.get(3), event, context);
            assertTrue(b.startsWith("b-") && c.startsWith("c-"), b + " " + c);
            assertEquals(a, d, "a and d have the same scope, so one record");
            assertTrue(a.startsWith("a-") || a.startsWith("d-"), a);
            for (Instance instance : instances) {
                String expected = switch (instance.name()) {
                    case "b" -> b;
                    case "c" -> c;
                    default -> a;
                };
                results.get(instance.name()).forEach(r -> assertEquals(expected, r,
                        instance.name() + " never sees another scope's result"));
            }
        }
        assertEquals(60, instances.get(1).executions().get(), "b: once per key");
        assertEquals(60, instances.get(2).executions().get(), "c: once per key");
        assertEquals(60, instances.get(0).executions().get() + instances.get(3).executions().get(),
                "a and d together: once per key");

        // a cache belongs to its instance: b and d answer from memory, a (no cache) still asks the table
        Map<String, Object> last = Map.of("orderId", "same-raw-key-59");
        for (Instance instance : instances) {
            instance.requests().reset();
            instance.handler().handleRequest(last, context);
            long expected = instance.name().equals("b") || instance.name().equals("d") ? 0 : 1;
            assertEquals(expected, instance.requests().total(), instance.name() + ": requests for a cached replay");
        }
    }

    private record Instance(String name, RequestHandler<Map<String, Object>, String> handler,
            RequestCounter requests, AtomicInteger executions) {
    }

    private static String replay(Instance instance, Map<String, Object> event, Context context) {
        return instance.handler().handleRequest(event, context);
    }

    /** The call's result, {@link #IN_PROGRESS}, or the typed exception it threw (anything else fails the test). */
    private static Object outcome(Callable<String> call) {
        try {
            return call.call();
        } catch (IdempotencyInProgressException busy) {
            return IN_PROGRESS;
        } catch (IdempotencyClaimLostException lost) {
            return lost;
        } catch (Exception e) {
            fail("untyped or unexpected failure", e);
            return null;
        }
    }
}
