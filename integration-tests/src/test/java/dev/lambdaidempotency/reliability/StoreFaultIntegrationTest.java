package dev.lambdaidempotency.reliability;

import dev.lambdaidempotency.testkit.TestLambdaContext;

import dev.lambdaidempotency.testkit.MutableClock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.IdempotencyStoreException;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.reliability.StoreFaults.Fault;
import dev.lambdaidempotency.reliability.StoreFaults.StoreCall;
import dev.lambdaidempotency.testkit.AwsEndpoint;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Faults at every store call (claim PutItem, completion PutItem, release DeleteItem), injected with an
 * {@link software.amazon.awssdk.core.interceptor.ExecutionInterceptor} on a real client against DynamoDB Local, with
 * the SDK's own retries in play (3 attempts, no back-off delay, attempt time-out 1 s for the time-out faults).
 *
 * <p>Reach of a fault: {@code ONE_ATTEMPT} (the SDK's retry absorbs it), {@code ONE_CALL} (every attempt of one
 * SDK call: the store call fails once, the next store call works), {@code EVERY_CALL} (until healed). Every
 * scenario checks: the handler ran at most once, no completed result is lost (a repeat after healing replays it),
 * the caller's error is typed and names the store call and the cause, and the table holds what it should.
 */
class StoreFaultIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    private static final int ATTEMPTS = 3;
    /**
     * Long enough that a request which is merely slow (a GC pause, a loaded CI machine) is not mistaken for the
     * injected hang: 300 ms flaked once under load; every injected hang waits for it, so it is not longer.
     */
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(1);
    private static String table;
    private static final AtomicInteger scenarios = new AtomicInteger();

    private final List<DynamoDbClient> clients = new ArrayList<>();

    enum Reach {
        ONE_ATTEMPT, ONE_CALL, EVERY_CALL
    }

    @BeforeAll
    static void createTable() {
        table = aws.newStore(aws.dynamoDbClient()).tableName();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(DynamoDbClient::close);
    }

    static Stream<Arguments> faults() {
        List<Arguments> all = new ArrayList<>();
        for (Fault fault : Fault.values()) {
            for (Reach reach : Reach.values()) {
                if (fault == Fault.THROTTLED_RESPONSE && reach == Reach.ONE_ATTEMPT) {
                    continue; // a rewritten call is throttled on every attempt
                }
                all.add(Arguments.of(fault, reach));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "claim PutItem: {0}, {1}")
    @MethodSource("faults")
    void claimFault(Fault fault, Reach reach) {
        Scenario s = new Scenario(fault, reach, StoreCall.CLAIM);
        Object first = s.call();
        if (reach == Reach.ONE_ATTEMPT) {
            assertEquals("result-1", first, "a fault the SDK retries away is invisible");
            s.assertCompletedWith("result-1");
        } else {
            IdempotencyStoreException e = assertInstanceOf(IdempotencyStoreException.class, first);
            s.assertSaysWhatHappened(e, "claim (PutItem)");
            assertEquals(0, s.executions.get(), "the handler must not run without a claim");
            // applied or not, the engine released the uncertain claim (fenced by its owner token): the handler
            // never ran, so a repeat may run at once instead of being refused until the claim lapses
            s.assertNoRecord();
            assertTrue(e.isRetryable(), "every injected fault is transient");
            assertTrue(s.faults.attempts(StoreCall.RELEASE) > 0, "the uncertain claim was released");
        }
        s.heal();
        Object repeat = s.call();
        assertEquals("result-1", repeat);
        assertEquals(1, s.executions.get(), "at most one execution");
        s.assertCompletedWith("result-1");
    }

    @ParameterizedTest(name = "completion PutItem: {0}, {1}")
    @MethodSource("faults")
    void completionFault(Fault fault, Reach reach) {
        Scenario s = new Scenario(fault, reach, StoreCall.COMPLETE);
        assertEquals("result-1", s.call(), "the live result reaches the caller whatever happens to its record");
        assertEquals(1, s.executions.get());
        if (reach == Reach.EVERY_CALL && !fault.applied()) {
            // nothing could be written: the claim stays until it lapses (accepted; see
            // completionNeverRecordedRunsAgainOnlyAfterTheClaimLapses); a repeat meanwhile is refused, never run
            s.assertInProgress();
            s.heal();
            assertInstanceOf(IdempotencyInProgressException.class, s.call());
            assertEquals(1, s.executions.get());
            return;
        }
        s.heal();
        assertEquals("result-1", s.call(), "the completed result must not be lost");
        assertEquals(1, s.executions.get(), "at most one execution");
        s.assertCompletedWith("result-1");
    }

    @ParameterizedTest(name = "release DeleteItem: {0}, {1}")
    @MethodSource("faults")
    void releaseFault(Fault fault, Reach reach) {
        Scenario s = new Scenario(fault, reach, StoreCall.RELEASE);
        s.failFirstExecution = true;
        Object first = s.call();
        assertSame(Scenario.USER_FAILURE, first, "the handler's own exception passes through unchanged");
        boolean released = reach == Reach.ONE_ATTEMPT || fault.applied();
        if (released) {
            s.assertNoRecord();
        } else {
            // the claim could not be released: repeats are refused until it lapses (accepted)
            s.assertInProgress();
            s.heal();
            assertInstanceOf(IdempotencyInProgressException.class, s.call());
            assertEquals(1, s.executions.get());
            s.clock.advance(Duration.ofMillis(Scenario.REMAINING_MILLIS + 1));
        }
        s.heal();
        assertEquals("result-2", s.call(), "a failed execution leaves the key free for a retry");
        assertEquals(2, s.executions.get());
        s.assertCompletedWith("result-2");
    }

    @Test
    void completionNeverRecordedRunsAgainOnlyAfterTheClaimLapses() {
        Scenario s = new Scenario(Fault.NOT_SENT, Reach.EVERY_CALL, StoreCall.COMPLETE);
        assertEquals("result-1", s.call());
        s.heal();
        s.clock.advance(Duration.ofMillis(Scenario.REMAINING_MILLIS - 1));
        assertInstanceOf(IdempotencyInProgressException.class, s.call());
        s.clock.advance(Duration.ofMillis(2));
        assertEquals("result-2", s.call(), "the one path to a second execution: nothing could ever be recorded, "
                + "and the claim lapsed");
        assertEquals(2, s.executions.get());
    }

    /** One key, one client with its own fault injector and retry state, one instance on the shared table. */
    private final class Scenario {
        static final int REMAINING_MILLIS = 10_000;
        static final RuntimeException USER_FAILURE = new IllegalStateException("the handler's own failure");

        final MutableClock clock = MutableClock.at(Instant.now());
        final AtomicInteger executions = new AtomicInteger();
        final StoreFaults faults = new StoreFaults();
        final Fault fault;
        final String functionName = "faults-" + scenarios.incrementAndGet();
        final DynamoDbClient client;
        final RequestHandler<Map<String, Object>, String> handler;
        boolean failFirstExecution;

        Scenario(Fault fault, Reach reach, StoreCall call) {
            this.fault = fault;
            AwsEndpoint endpoint = aws.dynamoDb();
            ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                    .retryStrategy(StandardRetryStrategy.builder()
                            .maxAttempts(ATTEMPTS)
                            .backoffStrategy(BackoffStrategy.retryImmediately())
                            .throttlingBackoffStrategy(BackoffStrategy.retryImmediately())
                            .circuitBreakerEnabled(false)
                            .build())
                    .addExecutionInterceptor(faults);
            if (fault.timeout()) {
                override.apiCallAttemptTimeout(ATTEMPT_TIMEOUT);
            }
            client = DynamoDbClient.builder()
                    .endpointOverride(endpoint.uri())
                    .region(endpoint.region())
                    .credentialsProvider(endpoint.credentials())
                    .httpClientBuilder(ApacheHttpClient.builder())
                    .overrideConfiguration(override.build())
                    .build();
            clients.add(client);
            DynamoDbIdempotencyStore store = DynamoDbIdempotencyStore.builder().client(client).tableName(table)
                    .build();
            handler = Idempotency.builder()
                    .store(store)
                    .config(IdempotencyConfig.builder(Map.of()).functionName(functionName).keyPath("orderId")
                            .clock(clock).build())
                    .build()
                    .wrap((event, context) -> {
                        int n = executions.incrementAndGet();
                        if (failFirstExecution && n == 1) {
                            throw USER_FAILURE;
                        }
                        return "result-" + n;
                    }, String.class);
            int times = switch (reach) {
                case ONE_ATTEMPT -> 1;
                case ONE_CALL -> fault == Fault.THROTTLED_RESPONSE ? 1 : ATTEMPTS;
                case EVERY_CALL -> Integer.MAX_VALUE;
            };
            faults.inject(call, fault, times);
        }

        /** Calls with the scenario's key; returns the result or the exception thrown. */
        Object call() {
            try {
                return handler.handleRequest(Map.of("orderId", "order-1"), TestLambdaContext.fixed(REMAINING_MILLIS));
            } catch (RuntimeException e) {
                return e;
            }
        }

        void heal() {
            faults.heal();
        }

        void assertSaysWhatHappened(IdempotencyStoreException e, String storeCall) {
            assertTrue(e.getMessage().contains(storeCall), () -> "names the store call: " + e.getMessage());
            assertTrue(e.recordId() != null && e.recordId().startsWith(functionName + "#"), e::getMessage);
            assertTrue(e.isRetryable(), () -> "a transient store failure is retryable: " + e);
            Throwable cause = e.getCause();
            switch (fault) {
                case NOT_SENT -> assertTrue(String.valueOf(cause).contains("connection refused"), cause::toString);
                case RESPONSE_LOST -> assertTrue(String.valueOf(cause).contains("connection reset"),
                        cause::toString);
                case THROTTLED, THROTTLED_RESPONSE -> assertTrue(cause instanceof AwsServiceException service
                        && service.isThrottlingException(), cause::toString);
                case TIMEOUT_NOT_SENT, TIMEOUT_AFTER_APPLY -> assertInstanceOf(ApiCallAttemptTimeoutException.class,
                        cause);
                default -> fail("unexpected fault " + fault);
            }
        }

        Map<String, AttributeValue> record() {
            List<Map<String, AttributeValue>> items = new ArrayList<>();
            client.scanPaginator(b -> b.tableName(table)).items().forEach(item -> {
                if (item.get("id").s().startsWith(functionName + "#")) {
                    items.add(item);
                }
            });
            assertTrue(items.size() <= 1, "one record per key: " + items);
            return items.isEmpty() ? null : items.get(0);
        }

        void assertNoRecord() {
            assertNull(record(), "nothing stored");
        }

        void assertInProgress() {
            Map<String, AttributeValue> item = record();
            assertTrue(item != null && "IN_PROGRESS".equals(item.get("status").s()), () -> "in progress: " + item);
        }

        void assertCompletedWith(String result) {
            Map<String, AttributeValue> item = record();
            assertTrue(item != null && "COMPLETED".equals(item.get("status").s()), () -> "completed: " + item);
            assertEquals("\"" + result + "\"", item.get("data").s());
        }
    }

    @Test
    void injectorTargetsOnlyItsCall() {
        Scenario s = new Scenario(Fault.NOT_SENT, Reach.EVERY_CALL, StoreCall.RELEASE);
        assertEquals("result-1", s.call());
        assertEquals("result-1", s.call());
        assertEquals(0, s.faults.injected(), "no release happened, so nothing was injected");
        assertEquals(0, s.faults.attempts(StoreCall.RELEASE));
        assertEquals(1, s.faults.attempts(StoreCall.CLAIM) - 1, "two claims: the first and the replay");
    }
}
