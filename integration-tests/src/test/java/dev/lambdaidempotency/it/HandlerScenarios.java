package dev.lambdaidempotency.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.Execution;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyClaimLostException;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.IdempotencyKeyException;
import dev.lambdaidempotency.IdempotencyPayloadMismatchException;
import dev.lambdaidempotency.IdempotentOperation;
import dev.lambdaidempotency.MissingKeyPolicy;
import dev.lambdaidempotency.it.support.Events;
import dev.lambdaidempotency.testkit.MutableClock;
import dev.lambdaidempotency.it.support.Receipt;
import dev.lambdaidempotency.testkit.TestLambdaContext;
import dev.lambdaidempotency.spi.IdempotencyStore;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a wrapped handler and an explicit-key operation do, end to end through the public API. Subclasses supply
 * the store: DynamoDB Local, LocalStack, and the test kit's in-memory store (which must behave the same).
 */
abstract class HandlerScenarios {
    private static final Duration WAIT = Duration.ofSeconds(10);

    protected final MutableClock clock = MutableClock.start();
    private final AtomicInteger runs = new AtomicInteger();
    private ExecutorService executor;
    private IdempotencyStore store;

    /**
     * A store on fresh, empty storage.
     *
     * @return the store
     */
    protected abstract IdempotencyStore newStore();

    /**
     * How many records the storage holds (expired ones included).
     *
     * @return the count
     */
    protected abstract int storedRecords();

    /** Deletes every record behind the library's back, as the TTL sweeper or an operator would. */
    protected abstract void deleteAllRecords();

    @BeforeEach
    void setUpStore() {
        store = newStore();
        executor = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stopThreads() throws InterruptedException {
        executor.shutdownNow();
        assertTrue(executor.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS), "test threads did not finish");
    }

    private IdempotencyConfig.Builder config() {
        return IdempotencyConfig.builder(Map.of()).functionName("orders-fn").clock(clock);
    }

    private Idempotency idempotency(UnaryOperator<IdempotencyConfig.Builder> settings) {
        return Idempotency.builder().store(store).config(settings.apply(config()).build()).build();
    }

    /** A handler returning a receipt that says which run produced it. */
    private RequestHandler<Map<String, Object>, Receipt> receipts() {
        return (event, context) -> new Receipt(String.valueOf(event.get("orderId")), runs.incrementAndGet(),
                new BigDecimal("12.50"), List.of("a", "b"));
    }

    private RequestHandler<Map<String, Object>, Receipt> wrapped(UnaryOperator<IdempotencyConfig.Builder> settings) {
        return idempotency(settings).wrap(receipts(), Receipt.class);
    }

    @Test
    void aResponseHookSeesWhetherEachResultWasExecutedOrReplayedAndWhenItWasRecorded() {
        List<Execution<Receipt>> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        RequestHandler<Map<String, Object>, Receipt> handler = idempotency(c -> c.keyPath("orderId")
                .recordTtl(Duration.ofHours(1))).wrap(receipts(), Receipt.class, execution -> {
                    seen.add(execution);
                    return execution.replayed() ? new Receipt("replayed", execution.result().run(),
                            execution.result().amount(), execution.result().lines()) : execution.result();
                });
        Instant firstAt = clock.instant();
        Receipt first = handler.handleRequest(Events.order("o-1"), null);
        clock.advance(Duration.ofMinutes(7));
        Receipt repeat = handler.handleRequest(Events.order("o-1"), null);

        assertEquals("o-1", first.orderId());
        assertEquals("replayed", repeat.orderId(), "the hook decides the response");
        assertEquals(Execution.Kind.EXECUTED, seen.get(0).kind());
        assertNull(seen.get(0).recordedAt());
        assertEquals(Execution.Kind.REPLAYED, seen.get(1).kind());
        assertEquals(firstAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), seen.get(1).recordedAt(),
                "recorded when the first execution completed, to the second");
        handler.handleRequest(Events.order("o-1"), null);
        assertEquals("o-1", seen.get(2).result().orderId(), "what the hook returned was not recorded");
        assertEquals(1, runs.get());
    }

    @Test
    void anOperationTellsExecutedFromReplayed() {
        IdempotentOperation<Receipt> charge = idempotency(c -> c).operation("charge", Receipt.class);
        Execution<Receipt> first = charge.execute("k-1", null, null,
                () -> new Receipt("k-1", runs.incrementAndGet(), BigDecimal.ONE, List.of()));
        Execution<Receipt> again = charge.execute("k-1", null, null,
                () -> new Receipt("k-1", runs.incrementAndGet(), BigDecimal.ONE, List.of()));
        assertEquals(Execution.Kind.EXECUTED, first.kind());
        assertTrue(again.replayed());
        assertEquals(first.result(), again.result());
        assertEquals(1, runs.get());
    }

    @Test
    void anEventWithoutAKeyUnderRunWithoutIdempotencyIsMarkedSo() {
        List<Execution.Kind> kinds = new java.util.concurrent.CopyOnWriteArrayList<>();
        RequestHandler<Map<String, Object>, Receipt> handler = idempotency(c -> c.keyPath("orderId")
                .missingKeyPolicy(MissingKeyPolicy.RUN_WITHOUT_IDEMPOTENCY)).wrap(receipts(), Receipt.class,
                        execution -> {
                            kinds.add(execution.kind());
                            return execution.result();
                        });
        handler.handleRequest(Map.of("other", 1), null);
        assertEquals(List.of(Execution.Kind.EXECUTED_WITHOUT_KEY), kinds);
        assertEquals(0, storedRecords());
    }

    @Test
    void firstRunThenReplayOfTheSameTypedResponse() {
        RequestHandler<Map<String, Object>, Receipt> handler = wrapped(c -> c.keyPath("orderId"));
        Receipt first = handler.handleRequest(Events.order("o-1", "amount", 12.5), null);
        assertEquals(new Receipt("o-1", 1, new BigDecimal("12.50"), List.of("a", "b")), first);
        Receipt replay = handler.handleRequest(Events.order("o-1", "amount", 12.5), null);
        assertEquals(first, replay);
        assertNotSame(first, replay, "replayed from the stored JSON");
        assertEquals(1, runs.get());
        assertEquals(1, storedRecords());

        Receipt other = handler.handleRequest(Events.order("o-2"), null);
        assertEquals(2, other.run());
        assertEquals(first, handler.handleRequest(Events.order("o-1", "anything", "else"), null),
                "only the key decides without payload validation");
        assertEquals(2, storedRecords());
    }

    @Test
    void aNullResponseIsReplayedAsNull() {
        RequestHandler<Map<String, Object>, Receipt> handler = idempotency(c -> c.keyPath("orderId"))
                .wrap((event, context) -> {
                    runs.incrementAndGet();
                    return null;
                }, Receipt.class);
        assertNull(handler.handleRequest(Events.order("o-1"), null));
        assertNull(handler.handleRequest(Events.order("o-1"), null));
        assertEquals(1, runs.get());
    }

    @Test
    void aNewInstanceOnTheSameStoreReplaysToo() {
        wrapped(c -> c.keyPath("orderId")).handleRequest(Events.order("o-1"), null);
        Receipt replay = wrapped(c -> c.keyPath("orderId")).handleRequest(Events.order("o-1"), null);
        assertEquals(1, replay.run());
        assertEquals(1, runs.get());
    }

    @Test
    void scopesKeepRecordsApart() {
        wrapped(c -> c.keyPath("orderId")).handleRequest(Events.order("o-1"), null);
        assertEquals(2, wrapped(c -> c.keyPath("orderId").keySpace("v2")).handleRequest(Events.order("o-1"), null)
                .run(), "another key space is another set of records");
        assertEquals(3, wrapped(c -> c.keyPath("orderId").functionName("billing-fn"))
                .handleRequest(Events.order("o-1"), null).run(), "another function is another key space");
        assertEquals(3, storedRecords());
    }

    @Test
    void aFailedHandlerReleasesItsClaimAndItsExceptionPassesThroughUnchanged() {
        IllegalStateException boom = new IllegalStateException("card declined");
        AtomicInteger calls = new AtomicInteger();
        RequestHandler<Map<String, Object>, Receipt> handler = idempotency(c -> c.keyPath("orderId"))
                .wrap((event, context) -> {
                    if (calls.incrementAndGet() == 1) {
                        throw boom;
                    }
                    return new Receipt("o-1", calls.get(), BigDecimal.ONE, List.of());
                }, Receipt.class);
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> handler.handleRequest(Events.order("o-1"), null));
        assertSame(boom, thrown);
        assertEquals(0, thrown.getSuppressed().length);
        assertEquals(0, storedRecords(), "the claim was deleted");

        assertEquals(2, handler.handleRequest(Events.order("o-1"), null).run(), "the retry runs");
        assertEquals(2, handler.handleRequest(Events.order("o-1"), null).run(), "and is then replayed");
        assertEquals(2, calls.get());
    }

    @Test
    void errorsAndCheckedExceptionsPassThroughUnchangedToo() throws Exception {
        IdempotentOperation<String> operation = idempotency(c -> c).operation("export", String.class);
        IOException io = new IOException("disk full");
        assertSame(io, assertThrows(IOException.class, () -> operation.call("k", () -> {
            throw io;
        })));
        StackOverflowError error = new StackOverflowError("deep");
        assertSame(error, assertThrows(StackOverflowError.class, () -> operation.call("k", () -> {
            throw error;
        })));
        assertEquals(0, storedRecords());
        assertEquals("done", operation.call("k", () -> "done"));
        assertEquals("done", operation.call("k", () -> fail("must replay")));
    }

    @Test
    void anExpiredRecordRunsAgain() {
        RequestHandler<Map<String, Object>, Receipt> handler = wrapped(c -> c.keyPath("orderId")
                .recordTtl(Duration.ofSeconds(10)));
        Instant start = clock.instant();                             // 00:00:00.250
        assertEquals(1, handler.handleRequest(Events.order("o-1"), null).run());
        clock.set(start.plusSeconds(10).plusMillis(749));            // 00:00:10.999: same second as the expiry
        assertEquals(1, handler.handleRequest(Events.order("o-1"), null).run(), "not expired yet");
        clock.set(start.plusSeconds(10).plusMillis(750));            // 00:00:11.000
        assertEquals(2, handler.handleRequest(Events.order("o-1"), null).run(), "expired: runs again");
        assertEquals(2, handler.handleRequest(Events.order("o-1"), null).run(), "and the new record replays");
        assertEquals(1, storedRecords(), "the new record replaced the expired one");
    }

    @Test
    void anInProgressClaimLapsesWhenTheInvocationHasTimedOut() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        RequestHandler<Map<String, Object>, Receipt> handler = idempotency(c -> c.keyPath("orderId"))
                .wrap((event, context) -> {
                    int call = calls.incrementAndGet();
                    if (call == 1) {              // the first invocation hangs until "killed" by its timeout
                        started.countDown();
                        await(finish);
                        throw new IllegalStateException("timed out");
                    }
                    return new Receipt("o-1", call, BigDecimal.ONE, List.of());
                }, Receipt.class);
        TestLambdaContext firstContext = TestLambdaContext.remaining(clock, Duration.ofMillis(900));
        Future<Receipt> first = executor.submit(() -> handler.handleRequest(Events.order("o-1"), firstContext));
        await(started);

        clock.advanceMillis(900);     // exactly at the deadline: still in progress
        IdempotencyInProgressException inProgress = assertThrows(IdempotencyInProgressException.class,
                () -> handler.handleRequest(Events.order("o-1"), TestLambdaContext.remaining(clock, Duration.ofSeconds(3))));
        assertEquals(firstContext.deadline(), inProgress.claimExpiresAt());
        assertTrue(inProgress.isRetryable());
        assertNotNull(inProgress.recordId());

        clock.advanceMillis(1);       // one millisecond later the claim has lapsed
        assertEquals(2, handler.handleRequest(Events.order("o-1"), TestLambdaContext.remaining(clock, Duration.ofSeconds(3)))
                .run());
        finish.countDown();
        assertThrows(IllegalStateException.class, () -> unwrap(first));
        assertEquals(2, handler.handleRequest(Events.order("o-1"), null).run(),
                "the hung invocation's late failure did not delete the new record");
    }

    @Test
    void aRecordTtlShorterThanTheInvocationDoesNotLetARepeatRunWhileTheFirstIsRunning() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        RequestHandler<Map<String, Object>, Receipt> handler = idempotency(c -> c.keyPath("orderId")
                .recordTtl(Duration.ofSeconds(10))).wrap((event, context) -> {
                    int call = calls.incrementAndGet();
                    if (call == 1) {
                        started.countDown();
                        await(finish);
                    }
                    return new Receipt("o-1", call, BigDecimal.ONE, List.of());
                }, Receipt.class);
        Future<Receipt> first = executor.submit(() -> handler.handleRequest(Events.order("o-1"),
                TestLambdaContext.remaining(clock, Duration.ofSeconds(60))));
        await(started);
        clock.advance(Duration.ofSeconds(30));   // past the record TTL, well within the first invocation's time
        try {
            assertThrows(IdempotencyInProgressException.class,
                    () -> handler.handleRequest(Events.order("o-1"), null));
        } finally {
            finish.countDown();
            try {
                first.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException ignored) {
                // the first invocation's own outcome is not what this test is about
            }
        }
    }

    /** Starts {@code operation} on key {@code k} in the background, holding its claim until {@code finish}. */
    private Future<String> holdingTheClaim(IdempotentOperation<String> operation, CountDownLatch finish) {
        CountDownLatch started = new CountDownLatch(1);
        Future<String> first = executor.submit(() -> operation.call("k", () -> {
            started.countDown();
            await(finish);
            return "first";
        }));
        await(started);
        return first;
    }

    @Test
    void withoutAContextTheClaimLastsTheConfiguredLease() throws Exception {
        CountDownLatch finish = new CountDownLatch(1);
        IdempotentOperation<String> operation = idempotency(c -> c.inProgressLease(Duration.ofSeconds(30)))
                .operation("charge", String.class);
        Instant start = clock.instant();
        Future<String> first = holdingTheClaim(operation, finish);
        IdempotencyInProgressException e = assertThrows(IdempotencyInProgressException.class,
                () -> operation.call("k", () -> "second"));
        assertEquals(start.plusSeconds(30), e.claimExpiresAt());
        finish.countDown();
        assertEquals("first", first.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals("first", operation.call("k", () -> "second"));
    }

    @Test
    void aStaleOwnersLateCompletionIsFencedOff() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        RequestHandler<Map<String, Object>, Receipt> handler = idempotency(c -> c.keyPath("orderId"))
                .wrap((event, context) -> {
                    int call = calls.incrementAndGet();
                    if (call == 1) {              // slow: runs past its claim's expiry
                        started.countDown();
                        await(finish);
                    }
                    return new Receipt("o-1", call, BigDecimal.ONE, List.of());
                }, Receipt.class);
        Future<Receipt> slow = executor.submit(() -> handler.handleRequest(Events.order("o-1"),
                TestLambdaContext.remaining(clock, Duration.ofSeconds(1))));
        await(started);
        clock.advance(Duration.ofSeconds(2));
        Receipt takeover = handler.handleRequest(Events.order("o-1"), TestLambdaContext.remaining(clock,
                Duration.ofSeconds(1)));
        assertEquals(2, takeover.run());

        finish.countDown();
        IdempotencyClaimLostException lost = assertThrows(IdempotencyClaimLostException.class, () -> unwrap(slow));
        assertNotNull(lost.recordId());
        assertEquals(takeover, handler.handleRequest(Events.order("o-1"), null), "the new owner's record stands");
        assertEquals(2, calls.get());
    }

    @Test
    void aStaleOwnersLateFailureLeavesTheNewOwnersClaimAlone() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CountDownLatch secondStarted = new CountDownLatch(1);
        CountDownLatch secondFinish = new CountDownLatch(1);
        IllegalStateException late = new IllegalStateException("late failure");
        AtomicInteger calls = new AtomicInteger();
        RequestHandler<Map<String, Object>, Receipt> handler = idempotency(c -> c.keyPath("orderId"))
                .wrap((event, context) -> {
                    int call = calls.incrementAndGet();
                    if (call == 1) {
                        started.countDown();
                        await(finish);
                        throw late;
                    }
                    secondStarted.countDown();
                    await(secondFinish);
                    return new Receipt("o-1", call, BigDecimal.ONE, List.of());
                }, Receipt.class);
        Future<Receipt> slow = executor.submit(() -> handler.handleRequest(Events.order("o-1"),
                TestLambdaContext.remaining(clock, Duration.ofSeconds(1))));
        await(started);
        clock.advance(Duration.ofSeconds(2));
        Future<Receipt> takeover = executor.submit(() -> handler.handleRequest(Events.order("o-1"),
                TestLambdaContext.remaining(clock, Duration.ofSeconds(60))));
        await(secondStarted);

        finish.countDown();           // the stale owner fails while the new owner is still running
        assertSame(late, assertThrows(IllegalStateException.class, () -> unwrap(slow)));
        assertThrows(IdempotencyInProgressException.class, () -> handler.handleRequest(Events.order("o-1"), null),
                "the new owner's claim was not released by the stale owner");
        secondFinish.countDown();
        assertEquals(2, takeover.get(WAIT.toSeconds(), TimeUnit.SECONDS).run());
        assertEquals(2, handler.handleRequest(Events.order("o-1"), null).run());
    }

    @Test
    void aReusedKeyWithAnotherBodyIsRejected() {
        RequestHandler<Map<String, Object>, Receipt> handler = wrapped(c -> c.keyHeader("Idempotency-Key")
                .payloadPath("body"));
        Receipt first = handler.handleRequest(Events.apiGateway("k-1", "{\"amount\":10,\"currency\":\"EUR\"}"), null);
        assertEquals(first, handler.handleRequest(Events.apiGateway("k-1",
                " {\"currency\" : \"EUR\", \"amount\" : 10.0}"), null),
                "a retry with another request id and an equivalent body replays");
        assertEquals(first, handler.handleRequest(Events.withLowercaseHeaders(Events.apiGateway("k-1",
                "{\"amount\":10,\"currency\":\"EUR\"}")), null), "header names in any case");

        IdempotencyPayloadMismatchException mismatch = assertThrows(IdempotencyPayloadMismatchException.class,
                () -> handler.handleRequest(Events.apiGateway("k-1", "{\"amount\":11,\"currency\":\"EUR\"}"), null));
        assertNotNull(mismatch.recordId());
        assertTrue(mismatch.getMessage().contains(mismatch.recordId()));
        assertTrue(!mismatch.getMessage().contains("amount"), "never echoes the payload");
        assertEquals(1, runs.get());
        assertEquals(2, handler.handleRequest(Events.apiGateway("k-2", "{\"amount\":11,\"currency\":\"EUR\"}"), null)
                .run(), "another key runs");
    }

    @Test
    void aBase64EncodedRepeatOfAPlainRequestReplays() {
        RequestHandler<Map<String, Object>, Receipt> handler = wrapped(c -> c.keyHeader("Idempotency-Key")
                .payloadPath("body"));
        Receipt first = handler.handleRequest(Events.apiGateway("k-1", "{\"amount\":10,\"currency\":\"EUR\"}"), null);
        assertEquals(first, handler.handleRequest(Events.base64Encoded(Events.apiGateway("k-1",
                " {\"currency\" : \"EUR\", \"amount\" : 10.0}\n")), null),
                "the same body base64-encoded (and reformatted) replays instead of mismatching");
        Receipt encodedFirst = handler.handleRequest(Events.base64Encoded(Events.apiGateway("k-2",
                "{\"amount\":20,\"currency\":\"EUR\"}")), null);
        assertEquals(encodedFirst, handler.handleRequest(Events.apiGateway("k-2",
                "{\"currency\":\"EUR\",\"amount\":20}"), null), "and the other way round");
        assertThrows(IdempotencyPayloadMismatchException.class, () -> handler.handleRequest(Events.base64Encoded(
                Events.apiGateway("k-1", "{\"amount\":11,\"currency\":\"EUR\"}")), null),
                "a different body is still a different body");

        RequestHandler<Map<String, Object>, Receipt> byBodyField = wrapped(c -> c.keyPath("body.orderId")
                .payloadPath("body"));
        Receipt order = byBodyField.handleRequest(Events.base64Encoded(Events.apiGateway(null,
                "{\"orderId\":\"o-9\",\"amount\":5}")), null);
        assertEquals(order, byBodyField.handleRequest(Events.apiGateway(null, "{\"amount\":5,\"orderId\":\"o-9\"}"),
                null), "a key inside a base64 body");
        assertEquals(3, runs.get());
        assertEquals(3, storedRecords());
    }

    @Test
    void aPayloadMismatchIsReportedEvenWhileTheFirstRequestIsInProgress() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        RequestHandler<Map<String, Object>, String> handler = idempotency(c -> c.keyHeader("Idempotency-Key")
                .payloadPath("body")).wrap((event, context) -> {
                    started.countDown();
                    await(finish);
                    return "ok";
                }, String.class);
        Future<String> first = executor.submit(() -> handler.handleRequest(Events.apiGateway("k", "{\"a\":1}"),
                null));
        await(started);
        assertThrows(IdempotencyPayloadMismatchException.class,
                () -> handler.handleRequest(Events.apiGateway("k", "{\"a\":2}"), null));
        assertThrows(IdempotencyInProgressException.class,
                () -> handler.handleRequest(Events.apiGateway("k", "{\"a\":1}"), null));
        finish.countDown();
        assertEquals("ok", first.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void aMissingKeyIsRejectedAndNothingIsStored() {
        RequestHandler<Map<String, Object>, Receipt> handler = wrapped(c -> c.keyHeader("Idempotency-Key"));
        for (Map<String, Object> event : List.of(Events.apiGateway(null, "{}"), Events.apiGateway("", "{}"),
                Events.apiGateway("   ", "{}"))) {
            IdempotencyKeyException e = assertThrows(IdempotencyKeyException.class,
                    () -> handler.handleRequest(event, null));
            assertEquals(IdempotencyKeyException.Reason.MISSING, e.reason());
            assertEquals("the event has no idempotency key at headers.Idempotency-Key or "
                    + "multiValueHeaders.Idempotency-Key[0]", e.getMessage());
        }
        assertThrows(IdempotencyKeyException.class, () -> wrapped(c -> c).handleRequest(null, null),
                "a null event has no whole-event key");
        assertEquals(0, runs.get());
        assertEquals(0, storedRecords());
    }

    @Test
    void aMissingKeyRunsEveryTimeWhenSoConfigured() {
        RequestHandler<Map<String, Object>, Receipt> handler = wrapped(c -> c.keyPath("orderId")
                .missingKeyPolicy(MissingKeyPolicy.RUN_WITHOUT_IDEMPOTENCY));
        Map<String, Object> noKey = new LinkedHashMap<>(Map.of("amount", 5));
        assertEquals(1, handler.handleRequest(noKey, null).run());
        assertEquals(2, handler.handleRequest(noKey, null).run());
        assertEquals(3, handler.handleRequest(Events.order(null), null).run(), "a null key is missing too");
        assertEquals(0, storedRecords());
        assertEquals(4, handler.handleRequest(Events.order("o-1"), null).run());
        assertEquals(4, handler.handleRequest(Events.order("o-1"), null).run(), "with a key: idempotent");
        assertEquals(1, storedRecords());
    }

    @Test
    void aJsonBodyKeyIsCanonical() {
        RequestHandler<Map<String, Object>, Receipt> handler = wrapped(c -> c.keyPath("body"));
        Receipt first = handler.handleRequest(Events.apiGateway(null,
                "{\"order\":{\"id\":\"o-1\",\"lines\":[1,2]},\"amount\":12.5}"), null);
        assertEquals(first, handler.handleRequest(Events.apiGateway(null,
                "{ \"amount\": 1.25e1,\n  \"order\": { \"lines\": [1.0, 2], \"id\": \"o-\\u0031\" } }"), null),
                "reordered, reformatted and respelled: the same request");
        assertEquals(1, storedRecords());
        assertEquals(2, handler.handleRequest(Events.apiGateway(null,
                "{\"order\":{\"id\":\"o-1\",\"lines\":[2,1]},\"amount\":12.5}"), null).run(), "array order counts");
        assertEquals(3, handler.handleRequest(Events.apiGateway(null,
                "{\"order\":{\"id\":\"o-1\",\"lines\":[1,2]},\"amount\":\"12.5\"}"), null).run(),
                "a string is not a number");
        assertEquals(3, storedRecords());
    }

    @Test
    void aWholeEventKeyIgnoresMemberOrder() {
        RequestHandler<Map<String, Object>, Receipt> handler = wrapped(IdempotencyConfig.Builder::keyWholeEvent);
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("orderId", "o-1");
        a.put("amount", 12.5);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("amount", new BigDecimal("12.50"));
        b.put("orderId", "o-1");
        assertEquals(handler.handleRequest(a, null), handler.handleRequest(b, null));
        assertEquals(1, runs.get());
        b.put("amount", 12.51);
        assertEquals(2, handler.handleRequest(b, null).run());
    }

    @Test
    void aBodyWithTrailingContentIsNotTheSameAsItsJsonPrefix() {
        RequestHandler<Map<String, Object>, Receipt> handler = wrapped(c -> c.keyHeader("Idempotency-Key")
                .payloadPath("body"));
        handler.handleRequest(Events.apiGateway("k", "{\"amount\":10}"), null);
        assertThrows(IdempotencyPayloadMismatchException.class,
                () -> handler.handleRequest(Events.apiGateway("k", "{\"amount\":10}{\"amount\":99}"), null));
        RequestHandler<Map<String, Object>, Receipt> byBody = wrapped(c -> c.keyPath("body"));
        assertEquals(2, byBody.handleRequest(Events.apiGateway(null, "[1]"), null).run());
        assertEquals(3, byBody.handleRequest(Events.apiGateway(null, "[1] [2]"), null).run());
    }

    @Test
    void anExplicitKeyOperationSharesTheStoreButNotTheKeySpace() {
        Idempotency idempotency = idempotency(c -> c.keyPath("orderId"));
        IdempotentOperation<Receipt> charge = idempotency.operation("charge", Receipt.class);
        IdempotentOperation<Receipt> refund = idempotency.operation("refund", Receipt.class);
        AtomicInteger charges = new AtomicInteger();
        RequestHandler<Map<String, Object>, Receipt> handler = idempotency.wrap((event, context) -> {
            String orderId = (String) event.get("orderId");
            Receipt charged = charge.call(orderId, Map.of("amount", 10), context,
                    () -> new Receipt(orderId, charges.incrementAndGet(), BigDecimal.TEN, List.of("charged")));
            return new Receipt(orderId, runs.incrementAndGet(), charged.amount(), charged.lines());
        }, Receipt.class);

        Receipt first = handler.handleRequest(Events.order("o-1"), null);
        assertEquals(new Receipt("o-1", 1, BigDecimal.TEN, List.of("charged")), first);
        assertEquals(2, storedRecords(), "one record for the handler, one for the operation");
        assertEquals(first, handler.handleRequest(Events.order("o-1"), null));

        // the same key string in the operation's key space is its own record, already completed
        assertEquals(1, charge.call("o-1", Map.of("amount", 10), null, () -> fail("must replay")).run());
        assertThrows(IdempotencyPayloadMismatchException.class,
                () -> charge.call("o-1", Map.of("amount", 11), null, () -> fail("must not run")));
        assertEquals(7, refund.call("o-1", () -> new Receipt("o-1", 7, BigDecimal.ONE, List.of())).run(),
                "another operation name is another key space");
        assertEquals(1, charges.get());

        // and the handler's record for "o-1" was not touched by the operations
        IdempotentOperation<Receipt> charge2 = idempotency(c -> c).operation("charge", Receipt.class);
        assertEquals(1, charge2.call("o-1", () -> fail("another instance replays")).run());
        assertEquals(3, storedRecords());
    }

    @Test
    void anExplicitKeyMustNotBeBlank() {
        IdempotentOperation<String> operation = idempotency(c -> c).operation("charge", String.class);
        for (String key : new String[] {null, "", " \t"}) {
            IdempotencyKeyException e = assertThrows(IdempotencyKeyException.class,
                    () -> operation.call(key, () -> "x"));
            assertEquals(IdempotencyKeyException.Reason.MISSING, e.reason());
        }
        IdempotencyKeyException tooLarge = assertThrows(IdempotencyKeyException.class,
                () -> idempotency(c -> c.maxKeyBytes(8)).operation("charge", String.class).call("123456789",
                        () -> "x"));
        assertEquals(IdempotencyKeyException.Reason.TOO_LARGE, tooLarge.reason());
        assertEquals(0, storedRecords());
    }

    /** Issue 9, bug 1: the record TTL is measured from completion, not from the claim. */
    @Test
    void aHandlerThatRunsLongerThanTheTtlStillReplaysForTheWholeTtl() {
        Duration ttl = Duration.ofMinutes(10);
        RequestHandler<Map<String, Object>, Receipt> handler = idempotency(c -> c.keyPath("orderId").recordTtl(ttl))
                .wrap((event, context) -> {
                    clock.advance(Duration.ofMinutes(12));      // a slow handler in a 15-minute function
                    return receipts().handleRequest(event, context);
                }, Receipt.class);
        Receipt first = handler.handleRequest(Events.order("o-1"), TestLambdaContext.remaining(clock,
                Duration.ofMinutes(15)));
        Instant completed = clock.instant();
        clock.advance(ttl);                                    // exactly the TTL after completion: still replays
        assertEquals(first, handler.handleRequest(Events.order("o-1"), null));
        assertEquals(1, runs.get(), "the completed operation did not run again");
        clock.set(completed.plus(ttl).plusSeconds(1));
        assertEquals(2, handler.handleRequest(Events.order("o-1"), null).run(), "after the TTL it may run again");
    }

    /** Issue 9, bug 2: without a context the claim lasts as long as a Lambda function can run (15 minutes). */
    @Test
    void aContextlessCallIsNotTakenOverWhileAFunctionCouldStillBeRunningIt() throws Throwable {
        CountDownLatch finish = new CountDownLatch(1);
        IdempotentOperation<String> operation = idempotency(c -> c).operation("charge", String.class);
        Instant start = clock.instant();
        Future<String> first = holdingTheClaim(operation, finish);
        clock.advance(Duration.ofMinutes(6));
        IdempotencyInProgressException e = assertThrows(IdempotencyInProgressException.class,
                () -> operation.call("k", () -> "second"));
        assertEquals(start.plus(Duration.ofMinutes(15)), e.claimExpiresAt());
        clock.advance(Duration.ofMinutes(8));
        assertThrows(IdempotencyInProgressException.class, () -> operation.call("k", () -> "second"));
        finish.countDown();
        assertEquals("first", unwrap(first));
        assertEquals("first", operation.call("k", () -> "second"));
    }

    /** Issue 9, bug 3: a finished result is recorded when its record vanished (nobody else owns the key). */
    @Test
    void aResultIsRecordedWhenItsClaimVanishedWhileRunning() throws Exception {
        IdempotentOperation<String> operation = idempotency(c -> c).operation("charge", String.class);
        assertEquals("done", operation.call("k", () -> {
            deleteAllRecords();                                 // the TTL sweeper, or an operator's release
            return "done";
        }));
        assertEquals(1, storedRecords());
        assertEquals("done", operation.call("k", () -> fail("replayed, not run again")));
    }

    /**
     * The timeout story (docs/decisions.md): inside Lambda the claim lasts the invocation's remaining time. A function
     * killed at its timeout writes nothing more; a retry during the lease is refused as in progress (told when the
     * claim ends); once the deadline has passed, of several concurrent retries exactly one takes over and runs, the
     * others are refused as in progress, and later repeats replay the new result.
     */
    @Test
    void aFunctionKilledAtItsTimeoutBlocksRetriesUntilItsDeadlineThenExactlyOneRetryTakesOver() throws Exception {
        Thread[] killed = new Thread[1];
        IdempotencyStore dying = new IdempotencyStore() {   // a killed process reaches no store
            private void alive() {
                if (Thread.currentThread() == killed[0]) {
                    throw new KilledAtTimeout();
                }
            }

            @Override
            public dev.lambdaidempotency.spi.ClaimResult claim(dev.lambdaidempotency.spi.IdempotencyRecord claim,
                    Instant now) {
                alive();
                return store.claim(claim, now);
            }

            @Override
            public void complete(dev.lambdaidempotency.spi.IdempotencyRecord completed) {
                alive();
                store.complete(completed);
            }

            @Override
            public void release(String id, String ownerToken) {
                alive();
                store.release(id, ownerToken);
            }
        };
        int retries = 8;
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch timeout = new CountDownLatch(1);
        CountDownLatch othersRefused = new CountDownLatch(retries - 1);
        RequestHandler<Map<String, Object>, Receipt> handler = Idempotency.builder().store(dying)
                .config(config().keyPath("orderId").build()).build()
                .wrap((event, context) -> {
                    int run = runs.incrementAndGet();
                    if (run == 1) {
                        killed[0] = Thread.currentThread();
                        firstStarted.countDown();
                        await(timeout);
                        throw new KilledAtTimeout();           // Lambda stops the function here
                    }
                    await(othersRefused);                      // the takeover holds until the others were refused
                    return new Receipt("o-1", run, BigDecimal.ONE, List.of());
                }, Receipt.class);
        Instant deadline = clock.instant().plus(Duration.ofMinutes(1));
        Future<Receipt> first = executor.submit(() -> handler.handleRequest(Events.order("o-1"),
                TestLambdaContext.remaining(clock, Duration.ofMinutes(1))));
        await(firstStarted);

        clock.advance(Duration.ofSeconds(30));
        IdempotencyInProgressException during = assertThrows(IdempotencyInProgressException.class,
                () -> handler.handleRequest(Events.order("o-1"), TestLambdaContext.remaining(clock,
                        Duration.ofMinutes(1))));
        assertEquals(deadline, during.claimExpiresAt(), "the claim ends at the first invocation's deadline");
        assertTrue(during.isRetryable());

        clock.set(deadline);
        timeout.countDown();
        assertThrows(KilledAtTimeout.class, () -> unwrap(first));
        killed[0] = null;                                      // the pool may reuse the thread for a new invocation
        assertThrows(IdempotencyInProgressException.class, () -> handler.handleRequest(Events.order("o-1"), null),
                "at the deadline itself the claim still holds");

        clock.advance(Duration.ofMillis(1));
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(retries);
        List<Future<Object>> racers = new java.util.ArrayList<>();
        for (int i = 0; i < retries; i++) {
            racers.add(executor.submit(() -> {
                together.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                try {
                    return handler.handleRequest(Events.order("o-1"), TestLambdaContext.remaining(clock,
                            Duration.ofMinutes(1)));
                } catch (IdempotencyInProgressException refused) {
                    othersRefused.countDown();
                    return refused;
                }
            }));
        }
        List<Receipt> ran = new java.util.ArrayList<>();
        for (Future<Object> racer : racers) {
            Object outcome = racer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (outcome instanceof Receipt receipt) {
                ran.add(receipt);
            } else {
                assertTrue(outcome instanceof IdempotencyInProgressException, String.valueOf(outcome));
            }
        }
        assertEquals(1, ran.size(), "exactly one retry took over");
        assertEquals(2, runs.get(), "the killed run and one takeover");
        assertEquals(ran.get(0), handler.handleRequest(Events.order("o-1"), null), "later repeats replay it");
    }

    /** What a function killed at its Lambda timeout looks like from inside: nothing after it runs. */
    private static final class KilledAtTimeout extends Error {
        private static final long serialVersionUID = 1L;
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released within " + WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The invocation's own outcome: its value, or what it threw. */
    private static <T> T unwrap(Future<T> future) throws Throwable {
        try {
            return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }
}
