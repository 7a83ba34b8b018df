package dev.lambdaidempotency.it.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyPayloadMismatchException;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.s3.S3ResultStore;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.testkit.RequestCounter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Stream handlers on DynamoDB Local and S3Proxy: the output bytes in the table item (inline) or in S3 behind a
 * pointer (above the threshold), replayed byte for byte with the usual request counts; a failed handler's claim
 * released; an API Gateway event given as bytes keyed by its header, with a base64 body.
 */
class StreamHandlerOffloadIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    private final RequestCounter dynamoDbRequests = new RequestCounter();
    private final RequestCounter s3Requests = new RequestCounter();
    private final AtomicInteger runs = new AtomicInteger();
    private DynamoDbClient direct;
    private DynamoDbIdempotencyStore store;
    private S3ResultStore resultStore;

    @BeforeEach
    void setUp() {
        direct = aws.dynamoDbClient();
        store = aws.newStore(aws.dynamoDbClient(dynamoDbRequests));
        S3Client s3 = aws.s3Client(s3Requests);
        resultStore = S3ResultStore.builder().client(s3).bucket(aws.newBucket(aws.s3Client())).build();
        dynamoDbRequests.reset(); // the table's creation
    }

    private RequestStreamHandler writing(IdempotencyConfig.Builder config, byte[] output) {
        return Idempotency.builder().store(store).resultStore(resultStore)
                .config(config.functionName("reports").build())
                .build()
                .wrapStream((input, out, context) -> {
                    runs.incrementAndGet();
                    input.readAllBytes();
                    out.write(output);
                });
    }

    private static IdempotencyConfig.Builder byOrderId() {
        return IdempotencyConfig.builder(Map.of()).keyPath("orderId");
    }

    private static byte[] invoke(RequestStreamHandler handler, byte[] input) throws IOException {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(input), output, null);
        return output.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSmallOutputIsKeptInTheItemAsTextAndReplayedWithOneRequest() throws IOException {
        byte[] output = utf8("{ \"status\" : \"ok\",\"total\":1.50 }\n");
        RequestStreamHandler handler = writing(byOrderId(), output);

        assertArrayEquals(output, invoke(handler, utf8("{\"orderId\":\"o-1\"}")));
        assertEquals(Map.of("DynamoDb.PutItem", 2L), dynamoDbRequests.snapshot(), "claim + completion");
        assertEquals("{\"output_text\":\"{ \\\"status\\\" : \\\"ok\\\",\\\"total\\\":1.50 }\\n\"}",
                onlyItem().get("data").s());

        dynamoDbRequests.reset();
        assertArrayEquals(output, invoke(handler, utf8("{\"orderId\":\"o-1\"}")));
        assertEquals(Map.of("DynamoDb.PutItem", 1L), dynamoDbRequests.snapshot(), "the refused claim carries it");
        assertEquals(Map.of(), s3Requests.snapshot());
        assertEquals(1, runs.get());
    }

    @Test
    void largeTextAndBinaryOutputsAreOffloadedToS3AndReplayedByteForByte() throws IOException {
        byte[] csv = utf8("order,amount,note\n" + "o-1,1.50,d\u00e9j\u00e0 vu\n".repeat(40_000));
        byte[] image = new byte[2 * 1024 * 1024];
        new Random(3).nextBytes(image);
        image[0] = (byte) 0x89; // a PNG's first byte: never valid UTF-8 there
        for (byte[] output : List.of(csv, image)) {
            deleteAllItems();
            RequestStreamHandler handler = writing(byOrderId(), output);
            byte[] input = utf8("{\"orderId\":\"o-" + output.length + "\"}");
            dynamoDbRequests.reset();
            s3Requests.reset();

            assertArrayEquals(output, invoke(handler, input));

            assertEquals(Map.of("S3.PutObject", 1L), s3Requests.snapshot());
            Map<String, AttributeValue> item = onlyItem();
            assertFalse(item.containsKey("data"), "the output itself is not in the item");
            assertTrue(item.containsKey("result_pointer"));

            dynamoDbRequests.reset();
            s3Requests.reset();
            assertArrayEquals(output, invoke(handler, input), "the replay is byte-identical");
            assertEquals(Map.of("DynamoDb.PutItem", 1L), dynamoDbRequests.snapshot());
            assertEquals(Map.of("S3.GetObject", 1L), s3Requests.snapshot());
        }
        assertEquals(2, runs.get());
    }

    @Test
    void aHandlerFailureReleasesTheClaimOnDynamoDbAndTheRetryRuns() throws IOException {
        IOException failure = new IOException("renderer down");
        boolean[] fail = {true};
        RequestStreamHandler handler = Idempotency.builder().store(store)
                .config(byOrderId().functionName("reports").build()).build()
                .wrapStream((input, output, context) -> {
                    runs.incrementAndGet();
                    output.write(utf8("partial"));
                    if (fail[0]) {
                        throw failure;
                    }
                });
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        assertSame(failure, assertThrows(IOException.class, () -> handler.handleRequest(
                new ByteArrayInputStream(utf8("{\"orderId\":\"o-1\"}")), output, null)));
        assertEquals(0, output.size());
        assertEquals(List.of(), direct.scan(b -> b.tableName(store.tableName())).items(), "released");

        fail[0] = false;
        assertArrayEquals(utf8("partial"), invoke(handler, utf8("{\"orderId\":\"o-1\"}")));
        assertArrayEquals(utf8("partial"), invoke(handler, utf8("{\"orderId\":\"o-1\"}")));
        assertEquals(2, runs.get());
    }

    @Test
    void anApiGatewayEventAsBytesIsKeyedByItsHeaderWithABase64Body() throws IOException {
        RequestStreamHandler handler = writing(IdempotencyConfig.builder(Map.of()).keyHeader("Idempotency-Key")
                .payloadPath("body"), utf8("{\"statusCode\":201,\"body\":\"{\\\"paymentId\\\":\\\"p-1\\\"}\"}"));
        String event = "{\"resource\":\"/payments\",\"httpMethod\":\"POST\",\"headers\":{\"Idempotency-Key\":\"k-1\"},"
                + "\"multiValueHeaders\":{\"Idempotency-Key\":[\"k-1\"]},\"body\":\"%s\",\"isBase64Encoded\":true}";
        String body = Base64.getEncoder().encodeToString(utf8("{\"amount\":500,\"currency\":\"EUR\"}"));
        String otherBody = Base64.getEncoder().encodeToString(utf8("{\"amount\":501,\"currency\":\"EUR\"}"));

        byte[] first = invoke(handler, utf8(event.formatted(body)));
        assertArrayEquals(first, invoke(handler, utf8(event.formatted(body))));
        assertThrows(IdempotencyPayloadMismatchException.class, () -> invoke(handler,
                utf8(event.formatted(otherBody))));
        assertEquals(1, runs.get());
    }

    private Map<String, AttributeValue> onlyItem() {
        List<Map<String, AttributeValue>> items = direct.scan(b -> b.tableName(store.tableName())).items();
        assertEquals(1, items.size(), items.toString());
        return items.get(0);
    }

    private void deleteAllItems() {
        for (Map<String, AttributeValue> item : direct.scan(b -> b.tableName(store.tableName())).items()) {
            direct.deleteItem(b -> b.tableName(store.tableName()).key(Map.of("id", item.get("id"))));
        }
    }
}
