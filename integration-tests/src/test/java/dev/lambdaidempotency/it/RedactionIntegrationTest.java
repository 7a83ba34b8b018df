package dev.lambdaidempotency.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.Redaction;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.s3.S3ResultStore;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.testkit.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Redacted results on DynamoDB Local and S3Proxy, read back raw: the table item (inline result) and the S3 object
 * (offloaded result) never hold the redacted field; a replay returns the redacted form.
 */
class RedactionIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    /** A payment response: the card number must never reach the store. */
    public record Payment(String id, String cardNumber, String cardLast4, String statement) {
    }

    private static final String NUMBER = "4111111111111111";

    private static DynamoDbClient dynamoDb;
    private static S3Client s3;

    private final MutableClock clock = MutableClock.start();
    private final AtomicInteger runs = new AtomicInteger();
    private DynamoDbIdempotencyStore store;
    private String bucket;

    @BeforeAll
    static void connect() {
        dynamoDb = aws.dynamoDbClient();
        s3 = aws.s3Client();
    }

    @BeforeEach
    void newTableAndBucket() {
        store = aws.newStore(dynamoDb);
        bucket = aws.newBucket(s3);
    }

    /** Payments with a statement of {@code statementBytes}, offloaded above 4 KiB. */
    private RequestHandler<Map<String, Object>, Payment> payments(int statementBytes, Redaction<Payment> redaction) {
        String statement = Payloads.reportJson(statementBytes, 7);
        return Idempotency.builder().store(store)
                .resultStore(S3ResultStore.builder(Map.of()).client(s3).bucket(bucket).build())
                .config(IdempotencyConfig.builder(Map.of()).functionName("payments").keyPath("paymentId")
                        .offloadThresholdBytes(4096).clock(clock).build())
                .build()
                .wrap((event, context) -> new Payment("pay-" + runs.incrementAndGet(), NUMBER, "1111", statement),
                        Payment.class, redaction);
    }

    private static Map<String, Object> request(String id) {
        return Map.of("paymentId", id);
    }

    private Map<String, AttributeValue> onlyItem() {
        List<Map<String, AttributeValue>> items = dynamoDb.scan(b -> b.tableName(store.tableName())).items();
        assertEquals(1, items.size(), items.toString());
        return items.get(0);
    }

    @Test
    void anInlineResultIsStoredWithoutTheRedactedFieldAndReplayedWithout() {
        RequestHandler<Map<String, Object>, Payment> payments = payments(100, Redaction.drop("cardNumber"));

        Payment first = payments.handleRequest(request("p-1"), null);
        Map<String, AttributeValue> item = onlyItem();
        Payment replayed = payments.handleRequest(request("p-1"), null);

        assertEquals(NUMBER, first.cardNumber());
        assertFalse(item.toString().contains(NUMBER), "no attribute of the raw item holds the number: " + item);
        assertFalse(item.get("data").s().contains("cardNumber"), item.get("data").s());
        assertTrue(item.get("data").s().contains("\"cardLast4\":\"1111\""), item.get("data").s());
        assertEquals(new Payment("pay-1", null, "1111", first.statement()), replayed);
        assertEquals(1, runs.get());
    }

    @Test
    void anOffloadedResultIsRedactedInTheRawS3ObjectAndReplayedRedacted() throws IOException {
        RequestHandler<Map<String, Object>, Payment> payments = payments(20 * 1024,
                Redaction.mask("****", "cardNumber"));

        Payment first = payments.handleRequest(request("p-1"), null);
        Map<String, AttributeValue> item = onlyItem();
        Map<String, AttributeValue> pointer = item.get("result_pointer").m();
        byte[] raw = s3.getObjectAsBytes(b -> b.bucket(bucket).key(pointer.get("key").s())).asByteArray();
        String object = new String("gzip".equals(pointer.get("content_encoding").s()) ? gunzip(raw) : raw,
                StandardCharsets.UTF_8);
        Payment replayed = payments.handleRequest(request("p-1"), null);

        assertEquals(NUMBER, first.cardNumber());
        assertFalse(item.containsKey("data"), "offloaded: the item holds only the pointer");
        assertFalse(item.toString().contains(NUMBER), item.toString());
        assertFalse(object.contains(NUMBER), "the stored object holds no card number");
        assertTrue(object.contains("\"cardNumber\":\"****\""));
        assertTrue(first.statement().contains("txn-00000001") && object.contains("txn-00000001"),
                "the rest of the result is there");
        assertEquals(sha256(raw), pointer.get("sha256").s(), "the checksum covers the redacted object");
        assertEquals(new Payment("pay-1", "****", "1111", first.statement()), replayed);
        assertEquals(1, runs.get());
    }

    @Test
    void aFailedRedactionLeavesACompletedItemWithoutTheResultAndNoObject() {
        RequestHandler<Map<String, Object>, Payment> payments = payments(20 * 1024, Redaction.of(payment -> {
            throw new IllegalStateException("no redaction for " + payment.cardNumber());
        }));

        assertEquals(NUMBER, payments.handleRequest(request("p-1"), null).cardNumber());
        Map<String, AttributeValue> item = onlyItem();

        assertEquals("COMPLETED", item.get("status").s());
        assertFalse(item.containsKey("data"));
        assertFalse(item.containsKey("result_pointer"));
        assertFalse(item.toString().contains(NUMBER), item.toString());
        assertTrue(item.get("result_unavailable").s().startsWith("the result could not be redacted"));
        assertEquals(List.of(), s3.listObjectsV2(b -> b.bucket(bucket)).contents(), "nothing was offloaded");
        assertThrows(IdempotencyResultUnavailableException.class, () -> payments.handleRequest(request("p-1"), null));
        assertEquals(1, runs.get());
    }

    private static byte[] gunzip(byte[] bytes) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
