package dev.lambdaidempotency.http;

import static dev.lambdaidempotency.http.HttpEvents.BODY;
import static dev.lambdaidempotency.http.HttpEvents.base64;
import static dev.lambdaidempotency.http.HttpEvents.rest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.s3.S3ResultStore;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.testkit.MutableClock;
import dev.lambdaidempotency.testkit.TestLambdaContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A payment response whose card number is redacted from the recorded body, on DynamoDB Local and S3Proxy: the first
 * client gets the number, the raw item and the raw S3 object never hold it, a replay gets the masked body.
 */
class RedactedResponseIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    private static final String NUMBER = "5555555555554444";
    private static final String PAYMENT = "{\"id\":\"pay-1\",\"card\":{\"number\":\"" + NUMBER
            + "\",\"brand\":\"mastercard\"},\"status\":\"succeeded\"}";

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

    /** The adapter over this test's table and bucket, offloading responses over 1 KiB. */
    private IdempotentHttp.Builder adapter() {
        return IdempotentHttp.builder(Idempotency.builder().store(store)
                .resultStore(S3ResultStore.builder(Map.of()).client(s3).bucket(bucket).build())
                .config(IdempotencyConfig.builder(Map.of()).functionName("payments").clock(clock)
                        .offloadThresholdBytes(1024).build())
                .build());
    }

    private RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> payments(
            IdempotentHttp adapter, String body, boolean base64) {
        return adapter.restApi((request, context) -> {
            runs.incrementAndGet();
            return new APIGatewayProxyResponseEvent().withStatusCode(201)
                    .withHeaders(Map.of("Content-Type", "application/json"))
                    .withBody(base64 ? base64(body) : body).withIsBase64Encoded(base64);
        });
    }

    private static APIGatewayProxyResponseEvent call(
            RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler, String key) {
        return handler.handleRequest(rest(key, BODY), TestLambdaContext.fixed(30_000));
    }

    private Map<String, AttributeValue> onlyItem() {
        List<Map<String, AttributeValue>> items = dynamoDb.scan(b -> b.tableName(store.tableName())).items();
        assertEquals(1, items.size(), items.toString());
        return items.get(0);
    }

    @Test
    void theFirstResponseHasTheCardNumberTheRecordAndTheReplayHaveTheMask() {
        var handler = payments(adapter().maskBodyFields("****", "card.number").build(), PAYMENT, false);

        APIGatewayProxyResponseEvent first = call(handler, "k-1");
        Map<String, AttributeValue> item = onlyItem();
        APIGatewayProxyResponseEvent replay = call(handler, "k-1");

        assertEquals(PAYMENT, first.getBody());
        assertFalse(item.toString().contains(NUMBER), "the raw item holds no card number: " + item);
        assertEquals(201, replay.getStatusCode());
        assertEquals("true", replay.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertEquals("{\"id\":\"pay-1\",\"card\":{\"number\":\"****\",\"brand\":\"mastercard\"},"
                + "\"status\":\"succeeded\"}", replay.getBody());
        assertEquals(1, runs.get());
    }

    @Test
    void anOffloadedResponseIsRedactedInTheRawS3Object() throws IOException {
        String large = PAYMENT.replace("\"status\"", "\"receipt\":\"" + "r".repeat(8_000) + "\",\"status\"");
        var handler = payments(adapter().dropBodyFields("card.number").build(), large, false);

        assertEquals(large, call(handler, "k-1").getBody());
        Map<String, AttributeValue> pointer = onlyItem().get("result_pointer").m();
        byte[] raw = s3.getObjectAsBytes(b -> b.bucket(bucket).key(pointer.get("key").s())).asByteArray();
        String object = new String("gzip".equals(pointer.get("content_encoding").s()) ? gunzip(raw) : raw,
                StandardCharsets.UTF_8);
        APIGatewayProxyResponseEvent replay = call(handler, "k-1");

        assertFalse(object.contains(NUMBER), "the stored object holds no card number");
        assertTrue(object.contains("mastercard"), "the rest of the response is there");
        assertFalse(replay.getBody().contains(NUMBER));
        assertTrue(replay.getBody().startsWith("{\"id\":\"pay-1\",\"card\":{\"brand\":\"mastercard\"},"),
                replay.getBody());
        assertEquals(1, runs.get());
    }

    @Test
    void aBase64BodyThatIsTextIsRedactedAndReplayedAsText() {
        var handler = payments(adapter().maskBodyFields("****", "card.number").build(), PAYMENT, true);

        APIGatewayProxyResponseEvent first = call(handler, "k-1");
        Map<String, AttributeValue> item = onlyItem();
        APIGatewayProxyResponseEvent replay = call(handler, "k-1");

        assertEquals(base64(PAYMENT), first.getBody());
        assertFalse(item.get("data").s().contains(base64(PAYMENT)), item.get("data").s());
        assertFalse(item.get("data").s().contains(NUMBER), item.get("data").s());
        assertFalse(Boolean.TRUE.equals(replay.getIsBase64Encoded()));
        assertEquals(PAYMENT.replace(NUMBER, "****"), replay.getBody());
    }

    @Test
    void aBodyThatIsNotJsonIsRecordedAsItIsWithAWarningNamingThePathNotTheBody() {
        var handler = adapter().dropBodyFields("card.number").build().restApi((request, context) ->
                new APIGatewayProxyResponseEvent().withStatusCode(200).withBody("accepted " + NUMBER));

        List<LogRecord> warnings = warningsDuring(() -> call(handler, "k-1"));

        assertEquals("accepted " + NUMBER, call(handler, "k-1").getBody());
        assertNull(onlyItem().get("result_unavailable"));
        assertEquals(1, warnings.size(), "one warning for the one recorded response");
        String message = warnings.get(0).getMessage();
        assertTrue(message.contains("[card.number]") && message.contains("not JSON"), message);
        assertFalse(message.contains(NUMBER), "the log never quotes the body: " + message);
    }

    @Test
    void aBinaryBodyHasNoFieldsAndIsRecordedAsItIsWithAWarning() {
        String binary = java.util.Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe, 0x01});
        var handler = adapter().dropBodyFields("card.number").build().restApi((request, context) ->
                new APIGatewayProxyResponseEvent().withStatusCode(200).withBody(binary).withIsBase64Encoded(true));

        List<LogRecord> warnings = warningsDuring(() -> call(handler, "k-1"));
        APIGatewayProxyResponseEvent replay = call(handler, "k-1");

        assertEquals(binary, replay.getBody());
        assertTrue(replay.getIsBase64Encoded());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).getMessage().contains("binary"), warnings.get(0).getMessage());
        assertFalse(warnings.get(0).getMessage().contains(binary));
    }

    @Test
    void aJsonBodyWithoutThePathsFieldsIsNotWarnedAbout() {
        var handler = payments(adapter().dropBodyFields("iban").build(), PAYMENT, false);

        assertEquals(List.of(), warningsDuring(() -> call(handler, "k-1")));
        assertEquals(PAYMENT, call(handler, "k-1").getBody());
    }

    @Test
    void theAsynchronousModeWithBodyRedactionIsWarnedAboutAtBuild() {
        List<LogRecord> warnings = warningsDuring(() -> adapter().maskBodyFields("****", "card.number")
                .async(AsyncMode.builder((payload, context) -> { }).build()).build());

        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).getMessage().contains("every response a client gets is the redacted one"));
    }

    /** The WARNING records the adapter logs while {@code action} runs. */
    private static List<LogRecord> warningsDuring(Runnable action) {
        List<LogRecord> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel() == Level.WARNING) {
                    logged.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("dev.lambdaidempotency.http");
        logger.addHandler(capture);
        try {
            action.run();
        } finally {
            logger.removeHandler(capture);
        }
        return List.copyOf(logged);
    }

    @Test
    void pathsMustNameAFieldInTheBody() {
        assertThrows(IllegalArgumentException.class, () -> adapter().dropBodyFields("$"));
        assertThrows(IllegalArgumentException.class, () -> adapter().maskBodyFields("x", ""));
        assertThrows(IllegalArgumentException.class, () -> adapter().dropBodyFields("card..number"));
        assertThrows(IllegalArgumentException.class, () -> adapter().dropBodyFields());
    }

    private static byte[] gunzip(byte[] bytes) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
    }
}
