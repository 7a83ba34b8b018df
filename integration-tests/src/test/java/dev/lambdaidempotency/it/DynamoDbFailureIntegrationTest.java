package dev.lambdaidempotency.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyException;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.IdempotencyRecordUnreadableException;
import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.IdempotencyStoreException;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.it.support.Events;
import dev.lambdaidempotency.it.support.FaultInjector;
import dev.lambdaidempotency.testkit.MutableClock;
import dev.lambdaidempotency.it.support.Receipt;
import dev.lambdaidempotency.it.support.Tables;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.testkit.RequestCounter;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** What the handler sees when DynamoDB is unreachable, fails part-way, or holds records it cannot read. */
class DynamoDbFailureIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    private static final String FUNCTION = "failure-fn";
    private static final FaultInjector faults = new FaultInjector();
    private static DynamoDbClient client;

    private final MutableClock clock = MutableClock.start();
    private final AtomicInteger runs = new AtomicInteger();
    private DynamoDbIdempotencyStore store;

    @BeforeAll
    static void connect() {
        client = aws.dynamoDbClient(faults);
    }

    @BeforeEach
    void newTable() {
        faults.clear();
        store = aws.newStore(client);
    }

    private RequestHandler<Map<String, Object>, Receipt> handler(DynamoDbIdempotencyStore on) {
        return Idempotency.builder().store(on)
                .config(IdempotencyConfig.builder(Map.of()).functionName(FUNCTION).keyPath("orderId").clock(clock)
                        .build())
                .build()
                .wrap((event, context) -> new Receipt((String) event.get("orderId"), runs.incrementAndGet(),
                        BigDecimal.ONE, List.of("x")), Receipt.class);
    }

    /** The record id the library derives for {@code orderId}: scope, '#', SHA-256 of the canonical JSON key. */
    private static String recordId(String orderId) throws Exception {
        byte[] canonical = ("\"" + orderId + "\"").getBytes(StandardCharsets.UTF_8);
        return FUNCTION + "#" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static DynamoDbClient unreachableClient(RetryStrategy retries, RequestCounter counter)
            throws IOException {
        return DynamoDbClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + closedPort()))
                .region(aws.dynamoDb().region())
                .credentialsProvider(aws.dynamoDb().credentials())
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(2)))
                .overrideConfiguration(o -> o.retryStrategy(retries).addExecutionInterceptor(counter))
                .build();
    }

    @Test
    void anUnreachableStoreFailsTheInvocationWithTheCauseAndTheHandlerDoesNotRun() throws Exception {
        RequestCounter counter = new RequestCounter();
        try (DynamoDbClient down = unreachableClient(AwsRetryStrategy.doNotRetry(), counter)) {
            RequestHandler<Map<String, Object>, Receipt> handler = handler(DynamoDbIdempotencyStore.builder()
                    .client(down).tableName("unreachable").build());
            IdempotencyStoreException e = assertThrows(IdempotencyStoreException.class,
                    () -> handler.handleRequest(Events.order("o-1"), null));
            assertEquals(recordId("o-1"), e.recordId());
            assertInstanceOf(SdkClientException.class, e.getCause());
            assertTrue(e.getMessage().startsWith("DynamoDB claim (PutItem) for " + recordId("o-1")
                    + " on table unreachable failed: "), e.getMessage());
            assertTrue(e.isRetryable(), "a connection failure is worth retrying");
            assertEquals(0, runs.get());
            assertEquals(1, counter.count("PutItem"));
        }
    }

    @Test
    void boundedRetriesAreTheClientsAndStillEndInAStoreException() throws Exception {
        RequestCounter counter = new RequestCounter();
        RetryStrategy threeAttempts = AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(3)
                .backoffStrategy(BackoffStrategy.retryImmediately()).build();
        try (DynamoDbClient down = unreachableClient(threeAttempts, counter)) {
            RequestHandler<Map<String, Object>, Receipt> handler = handler(DynamoDbIdempotencyStore.builder()
                    .client(down).tableName("unreachable").build());
            IdempotencyStoreException e = assertThrows(IdempotencyStoreException.class,
                    () -> handler.handleRequest(Events.order("o-1"), null));
            assertInstanceOf(SdkClientException.class, e.getCause());
            assertEquals(3, counter.count("PutItem"));
            assertEquals(0, runs.get());
        }
    }

    @Test
    void aCompletionThatFailsTwiceIsRecordedAsUnavailableSoTheHandlerNeverRunsTwice() throws Exception {
        RequestHandler<Map<String, Object>, Receipt> handler = handler(store);
        // 1: claim, 2: completion (lost), 3: its one retry (lost), 4: completion as unavailable
        faults.failAttempt("PutItem", 2).failAttempt("PutItem", 3);
        Receipt live = handler.handleRequest(Events.order("o-1"), null);
        assertEquals(1, live.run(), "the caller still gets the live response");
        IdempotencyResultUnavailableException e = assertThrows(IdempotencyResultUnavailableException.class,
                () -> handler.handleRequest(Events.order("o-1"), null));
        assertEquals(recordId("o-1"), e.recordId());
        assertEquals(1, runs.get());
        assertEquals("COMPLETED", Tables.item(client, store.tableName(), recordId("o-1")).get("status").s());
    }

    @Test
    void whenNoCompletionCanBeWrittenTheClaimHoldsUntilItLapses() {
        RequestHandler<Map<String, Object>, Receipt> handler = handler(store);
        faults.failAttempt("PutItem", 2).failAttempt("PutItem", 3).failAttempt("PutItem", 4);
        assertEquals(1, handler.handleRequest(Events.order("o-1"), null).run());
        assertThrows(IdempotencyInProgressException.class, () -> handler.handleRequest(Events.order("o-1"), null));
        clock.advance(IdempotencyConfig.DEFAULT_IN_PROGRESS_LEASE.plusMillis(1));
        assertEquals(2, handler.handleRequest(Events.order("o-1"), null).run(), "runs again after the lease");
    }

    @Test
    void aFailedReleaseStillRethrowsTheHandlersOwnException() {
        IllegalStateException boom = new IllegalStateException("boom");
        RequestHandler<Map<String, Object>, Receipt> handler = Idempotency.builder().store(store)
                .config(IdempotencyConfig.builder(Map.of()).functionName(FUNCTION).keyPath("orderId").clock(clock)
                        .build())
                .build()
                .wrap((event, context) -> {
                    runs.incrementAndGet();
                    throw boom;
                }, Receipt.class);
        faults.failAttempt("DeleteItem", 1);
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> handler.handleRequest(Events.order("o-1"), null));
        assertSame(boom, thrown);
        assertEquals(0, thrown.getSuppressed().length, "the user's exception is not decorated");
        assertThrows(IdempotencyInProgressException.class, () -> handler.handleRequest(Events.order("o-1"), null),
                "the unreleased claim blocks repeats until it lapses");
        assertEquals(1, runs.get());
    }

    @Test
    void theRecordIdIsTheScopeAndTheHashOfTheCanonicalKey() throws Exception {
        handler(store).handleRequest(Events.order("o-1"), null);
        Map<String, AttributeValue> item = Tables.item(client, store.tableName(), recordId("o-1"));
        assertEquals("COMPLETED", item.get("status").s());
        assertEquals("{\"orderId\":\"o-1\",\"run\":1,\"amount\":1,\"lines\":[\"x\"]}", item.get("data").s());
        assertEquals(1, Tables.count(client, store.tableName()));
    }

    private void assertUnreadable(Consumer<Map<String, AttributeValue>> corruption, String why) throws Exception {
        assertRefused(IdempotencyRecordUnreadableException.class, corruption, why);
    }

    /** A completed record whose result does not decode: the operation ran, only its result cannot be returned. */
    private void assertResultUnavailable(Consumer<Map<String, AttributeValue>> corruption, String why)
            throws Exception {
        assertRefused(IdempotencyResultUnavailableException.class, corruption, why);
    }

    private void assertRefused(Class<? extends IdempotencyException> refusal,
            Consumer<Map<String, AttributeValue>> corruption, String why) throws Exception {
        RequestHandler<Map<String, Object>, Receipt> handler = handler(store);
        String id = recordId("o-1");
        Map<String, AttributeValue> item = new HashMap<>(Map.of(
                "id", AttributeValue.fromS(id),
                "status", AttributeValue.fromS("COMPLETED"),
                "expiration", AttributeValue.fromN(Long.toString(clock.instant().getEpochSecond() + 3600)),
                "owner", AttributeValue.fromS("0123456789abcdef0123456789abcdef"),
                "data", AttributeValue.fromS("{\"orderId\":\"o-1\",\"run\":7,\"amount\":1,\"lines\":[]}")));
        Tables.put(client, store.tableName(), item);
        assertEquals(7, handler.handleRequest(Events.order("o-1"), null).run(), "the well-formed item replays");

        corruption.accept(item);
        Tables.put(client, store.tableName(), item);
        IdempotencyException e = assertThrows(refusal, () -> handler.handleRequest(Events.order("o-1"), null));
        assertEquals(id, e.recordId());
        assertTrue(e.getMessage().contains(id), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertFalse(e.isRetryable());
        assertEquals(0, runs.get(), "the handler never runs on an unreadable record");
        assertEquals(item, Tables.item(client, store.tableName(), id), "and the record is left for inspection");
    }

    @Test
    void aStatusOfTheWrongTypeIsUnreadable() throws Exception {
        assertUnreadable(item -> item.put("status", AttributeValue.fromN("2")), "attribute status is not a string");
    }

    @Test
    void anUnknownStatusIsUnreadable() throws Exception {
        assertUnreadable(item -> item.put("status", AttributeValue.fromS("DONE")), "unknown status \"DONE\"");
    }

    @Test
    void anExpiryOfTheWrongTypeIsUnreadable() throws Exception {
        assertUnreadable(item -> item.put("expiration", AttributeValue.fromS("soon")),
                "attribute expiration is not a number");
    }

    @Test
    void aMissingOwnerIsUnreadable() throws Exception {
        assertUnreadable(item -> item.remove("owner"), "attribute owner is missing");
    }

    @Test
    void aCompletedRecordWithoutResultIsUnreadable() throws Exception {
        assertUnreadable(item -> item.remove("data"), "a COMPLETED record has none of data, result_pointer, "
                + "result_unavailable");
    }

    @Test
    void aResultPointerThatIsNotAMapIsUnreadable() throws Exception {
        assertUnreadable(item -> {
            item.remove("data");
            item.put("result_pointer", AttributeValue.fromS("s3://bucket/key"));
        }, "attribute result_pointer is not a map");
    }

    @Test
    void anInProgressRecordWithoutClaimExpiryIsUnreadable() throws Exception {
        assertUnreadable(item -> {
            item.remove("data");
            item.put("status", AttributeValue.fromS("IN_PROGRESS"));
        }, "inProgressExpiresAt");
    }

    @Test
    void storedDataThatIsNotTheResponseTypeIsUnavailableNotRunAgain() throws Exception {
        assertResultUnavailable(item -> item.put("data", AttributeValue.fromS("[1,2,3]")),
                "does not deserialize into the expected type");
    }

    @Test
    void storedDataThatIsNotJsonIsUnavailableNotRunAgain() throws Exception {
        assertResultUnavailable(item -> item.put("data", AttributeValue.fromS("{\"run\":")),
                "does not deserialize into the expected type");
    }

    @Test
    void storedDataWithAFieldOfTheWrongTypeIsUnavailableNotRunAgain() throws Exception {
        assertResultUnavailable(item -> item.put("data", AttributeValue.fromS("{\"run\":\"seven\"}")),
                "does not deserialize into the expected type");
    }

    @Test
    void anUnreadableRecordIsReplacedOnceItExpires() throws Exception {
        String id = recordId("o-1");
        Tables.put(client, store.tableName(), Map.of(
                "id", AttributeValue.fromS(id),
                "status", AttributeValue.fromS("GARBAGE"),
                "expiration", AttributeValue.fromN(Long.toString(clock.instant().getEpochSecond() + 60))));
        RequestHandler<Map<String, Object>, Receipt> handler = handler(store);
        assertThrows(IdempotencyRecordUnreadableException.class, () -> handler.handleRequest(Events.order("o-1"),
                null));
        clock.advance(Duration.ofSeconds(61));
        assertEquals(1, handler.handleRequest(Events.order("o-1"), null).run());
        assertNotNull(Tables.item(client, store.tableName(), id).get("data"));
    }
}
