package dev.lambdaidempotency.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.IdempotencyStoreException;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.s3.S3ResultStore;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.testkit.RequestCounter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Large results offloaded to S3 behind pointers, end to end on DynamoDB Local and S3Proxy: request counts per path,
 * what the table item holds, and what every partial failure leaves behind. Invariants checked after each fault: the
 * handler ran at most once, no record points at a missing object, and a repeat gets the stored result or a typed
 * error.
 */
class OffloadIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    /** What the wrapped handler returns: a receipt whose rendered document makes it large. */
    public record Receipt(String orderId, String document) {
    }

    private final RequestCounter dynamoDbRequests = new RequestCounter();
    private final RequestCounter s3Requests = new RequestCounter();
    private final FaultInterceptor dynamoDbFaults = new FaultInterceptor();
    private final FaultInterceptor s3Faults = new FaultInterceptor();
    private final AtomicInteger runs = new AtomicInteger();
    private DynamoDbClient direct;
    private S3Client directS3;
    private DynamoDbIdempotencyStore store;
    private String bucket;
    private S3ResultStore resultStore;

    @BeforeEach
    void setUp() {
        // the counter sees every attempt that reaches the fault injector, so counts stay exact on the happy paths
        DynamoDbClient dynamoDb = aws.dynamoDbClient(dynamoDbRequests, dynamoDbFaults);
        S3Client s3 = aws.s3Client(s3Requests, s3Faults);
        direct = aws.dynamoDbClient();
        directS3 = aws.s3Client();
        store = aws.newStore(dynamoDb);
        bucket = aws.newBucket(directS3);
        resultStore = S3ResultStore.builder().client(s3).bucket(bucket).build();
    }

    private RequestHandler<Map<String, Object>, Receipt> handler(int documentBytes) {
        String document = Payloads.reportJson(documentBytes, documentBytes);
        return Idempotency.builder()
                .store(store)
                .resultStore(resultStore)
                .config(IdempotencyConfig.builder(Map.of()).functionName("receipts").keyPath("orderId").build())
                .build()
                .wrap((event, context) -> {
                    runs.incrementAndGet();
                    return new Receipt((String) event.get("orderId"), document);
                }, Receipt.class);
    }

    private static Map<String, Object> order(String id) {
        return Map.of("orderId", id);
    }

    @Test
    void aReceiptOverTheThresholdIsOffloadedAndTheItemHoldsOnlyThePointer() {
        RequestHandler<Map<String, Object>, Receipt> receipts = handler(40 * 1024);
        resetCounters();

        Receipt first = receipts.handleRequest(order("o-1"), null);

        assertEquals(Map.of("S3.PutObject", 1L), s3Requests.snapshot());
        assertEquals(Map.of("DynamoDb.PutItem", 2L), dynamoDbRequests.snapshot(), "claim + completion");
        Map<String, AttributeValue> item = onlyItem();
        assertEquals("COMPLETED", item.get("status").s());
        assertFalse(item.containsKey("data"), "the result itself is not in the item");
        Map<String, AttributeValue> pointer = item.get("result_pointer").m();
        assertEquals(bucket, pointer.get("bucket").s());
        assertEquals("gzip", pointer.get("content_encoding").s());
        assertEquals("application/json", pointer.get("content_type").s());
        assertTrue(pointer.get("sha256").s().matches("[0-9a-f]{64}"));
        assertEquals(Long.parseLong(pointer.get("size").n()), directS3.headObject(b -> b.bucket(bucket)
                .key(keyOf(pointer))).contentLength());
        assertTrue(itemBytes(item) < 1024, "pointer-sized item: " + itemBytes(item) + " bytes");
        assertEquals(List.of(keyOf(pointer)), objectKeys(), "exactly the object the pointer names");

        resetCounters();
        Receipt replayed = receipts.handleRequest(order("o-1"), null);

        assertEquals(first, replayed);
        assertEquals(Map.of("DynamoDb.PutItem", 1L), dynamoDbRequests.snapshot(), "the refused claim carries the item");
        assertEquals(Map.of("S3.GetObject", 1L), s3Requests.snapshot());
        assertEquals(1, runs.get());
    }

    @Test
    void aFiveMegabyteResultRoundTripsWithTheSameRequestCounts() {
        RequestHandler<Map<String, Object>, Receipt> reports = handler(5 * 1024 * 1024);
        resetCounters();
        Receipt first = reports.handleRequest(order("big"), null);
        assertEquals(Map.of("S3.PutObject", 1L), s3Requests.snapshot());
        assertEquals(Map.of("DynamoDb.PutItem", 2L), dynamoDbRequests.snapshot());
        assertTrue(itemBytes(onlyItem()) < 1024);

        resetCounters();
        assertEquals(first, reports.handleRequest(order("big"), null));
        assertEquals(Map.of("DynamoDb.PutItem", 1L), dynamoDbRequests.snapshot());
        assertEquals(Map.of("S3.GetObject", 1L), s3Requests.snapshot());
        assertEquals(1, runs.get());
    }

    @Test
    void aResultUnderTheThresholdStaysInlineAndNeverTouchesS3() {
        RequestHandler<Map<String, Object>, Receipt> small = handler(2 * 1024);
        resetCounters();
        Receipt first = small.handleRequest(order("s-1"), null);
        assertEquals(first, small.handleRequest(order("s-1"), null));
        assertEquals(0, s3Requests.total());
        assertTrue(onlyItem().containsKey("data"));
        assertEquals(List.of(), objectKeys());
    }

    @Test
    void whenThePutFailsTheCallerGetsTheLiveResultAndRepeatsGetUnavailable() {
        RequestHandler<Map<String, Object>, Receipt> receipts = handler(40 * 1024);
        s3Faults.arm("PutObject", FaultInterceptor.Phase.BEFORE_SEND);

        Receipt live = receipts.handleRequest(order("o-2"), null);

        assertEquals("o-2", live.orderId());
        Map<String, AttributeValue> item = onlyItem();
        assertEquals("COMPLETED", item.get("status").s());
        assertFalse(item.containsKey("result_pointer"));
        assertTrue(item.get("result_unavailable").s().contains("result store"), item.toString());
        assertEquals(List.of(), objectKeys());

        s3Faults.disarm();
        IdempotencyResultUnavailableException repeat = assertThrows(IdempotencyResultUnavailableException.class,
                () -> receipts.handleRequest(order("o-2"), null));
        assertTrue(repeat.getMessage().contains("already completed"), repeat.getMessage());
        assertEquals(1, runs.get(), "completed means completed: never run again because the result is gone");
    }

    @Test
    void whenThePutIsAppliedButItsResponseLostNoRecordPointsAtIt() {
        RequestHandler<Map<String, Object>, Receipt> receipts = handler(40 * 1024);
        s3Faults.arm("PutObject", FaultInterceptor.Phase.AFTER_APPLIED);

        assertEquals("o-3", receipts.handleRequest(order("o-3"), null).orderId());

        assertFalse(onlyItem().containsKey("result_pointer"));
        assertFalse(objectKeys().isEmpty(), "the object was written: an orphan for the bucket's lifecycle rule");
        s3Faults.disarm();
        assertThrows(IdempotencyResultUnavailableException.class, () -> receipts.handleRequest(order("o-3"), null));
        assertEquals(1, runs.get());
    }

    @Test
    void whenTheRecordWriteFailsTheObjectIsOrphanedNeverPointedAtAndRepeatsGetUnavailable() {
        RequestHandler<Map<String, Object>, Receipt> receipts = handler(40 * 1024);
        dynamoDbFaults.arm("PutItem", FaultInterceptor.Phase.BEFORE_SEND,
                request -> ((PutItemRequest) request).item().containsKey("result_pointer"));

        assertEquals("o-4", receipts.handleRequest(order("o-4"), null).orderId(), "the live result is returned");

        Map<String, AttributeValue> item = onlyItem();
        assertEquals("COMPLETED", item.get("status").s());
        assertFalse(item.containsKey("result_pointer"));
        assertTrue(item.containsKey("result_unavailable"));
        assertEquals(1, objectKeys().size());
        dynamoDbFaults.disarm();
        assertThrows(IdempotencyResultUnavailableException.class, () -> receipts.handleRequest(order("o-4"), null));
        assertEquals(1, runs.get());
    }

    @Test
    void whenTheRecordWriteIsAppliedButItsResponseLostRepeatsGetTheStoredResult() {
        RequestHandler<Map<String, Object>, Receipt> receipts = handler(40 * 1024);
        dynamoDbFaults.arm("PutItem", FaultInterceptor.Phase.AFTER_APPLIED,
                request -> ((PutItemRequest) request).item().containsKey("result_pointer"));

        Receipt live = receipts.handleRequest(order("o-5"), null);

        dynamoDbFaults.disarm();
        Map<String, AttributeValue> item = onlyItem();
        assertEquals("COMPLETED", item.get("status").s());
        assertEquals(List.of(keyOf(item.get("result_pointer").m())), objectKeys(), "the pointer names a real object");
        assertEquals(live, receipts.handleRequest(order("o-5"), null));
        assertEquals(1, runs.get());
    }

    @Test
    void whenNeitherCompletionCanBeWrittenTheClaimStaysInProgressUntilItsLease() {
        RequestHandler<Map<String, Object>, Receipt> receipts = handler(40 * 1024);
        dynamoDbFaults.arm("PutItem", FaultInterceptor.Phase.BEFORE_SEND,
                request -> "COMPLETED".equals(((PutItemRequest) request).item().get("status").s()));

        assertEquals("o-6", receipts.handleRequest(order("o-6"), null).orderId());

        dynamoDbFaults.disarm();
        assertEquals("IN_PROGRESS", onlyItem().get("status").s());
        assertThrows(IdempotencyInProgressException.class, () -> receipts.handleRequest(order("o-6"), null));
        assertEquals(1, runs.get(), "within the lease nothing runs twice (after it, a retry runs again: documented)");
    }

    @Test
    void whenTheGetFailsTheRepeatGetsARetryableErrorAndTheHandlerDoesNotRun() {
        RequestHandler<Map<String, Object>, Receipt> receipts = handler(40 * 1024);
        Receipt first = receipts.handleRequest(order("o-7"), null);
        s3Faults.arm("GetObject", FaultInterceptor.Phase.BEFORE_SEND);

        IdempotencyStoreException e = assertThrows(IdempotencyStoreException.class,
                () -> receipts.handleRequest(order("o-7"), null));
        assertTrue(e.isRetryable());

        s3Faults.disarm();
        assertEquals(first, receipts.handleRequest(order("o-7"), null), "a later retry gets the stored result");
        assertEquals(1, runs.get());
    }

    @Test
    void aCorruptedOrDeletedObjectIsUnavailableNotReExecuted() {
        RequestHandler<Map<String, Object>, Receipt> receipts = handler(40 * 1024);
        receipts.handleRequest(order("o-8"), null);
        String key = keyOf(onlyItem().get("result_pointer").m());
        byte[] stored = directS3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
        stored[stored.length - 20] ^= 0x01;
        directS3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(stored));

        IdempotencyResultUnavailableException corrupt = assertThrows(IdempotencyResultUnavailableException.class,
                () -> receipts.handleRequest(order("o-8"), null));
        assertTrue(corrupt.getMessage().contains("checksum"), corrupt.getMessage());

        directS3.deleteObject(b -> b.bucket(bucket).key(key));
        IdempotencyResultUnavailableException gone = assertThrows(IdempotencyResultUnavailableException.class,
                () -> receipts.handleRequest(order("o-8"), null));
        assertTrue(gone.getMessage().contains("NoSuchKey"), gone.getMessage());
        assertEquals(1, runs.get());
    }

    private void resetCounters() {
        dynamoDbRequests.reset();
        s3Requests.reset();
    }

    private Map<String, AttributeValue> onlyItem() {
        List<Map<String, AttributeValue>> items = direct.scan(b -> b.tableName(store.tableName())).items();
        assertEquals(1, items.size(), items.toString());
        return items.get(0);
    }

    private List<String> objectKeys() {
        return directS3.listObjectsV2(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).toList();
    }

    private static String keyOf(Map<String, AttributeValue> pointer) {
        return pointer.get("key").s();
    }

    /** DynamoDB's item size: attribute names plus values (strings and numbers as text; close enough here). */
    private static int itemBytes(Map<String, AttributeValue> item) {
        return item.entrySet().stream().mapToInt(e -> e.getKey().length() + valueBytes(e.getValue())).sum();
    }

    private static int valueBytes(AttributeValue value) {
        if (value.s() != null) {
            return value.s().length();
        }
        if (value.n() != null) {
            return value.n().length();
        }
        if (value.hasM()) {
            return 3 + itemBytes(value.m());
        }
        return 1;
    }
}
