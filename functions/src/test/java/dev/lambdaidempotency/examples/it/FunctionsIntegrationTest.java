package dev.lambdaidempotency.examples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.examples.orders.OrderConsumerFunction;
import dev.lambdaidempotency.examples.orders.SimulatedFulfilment;
import dev.lambdaidempotency.examples.payment.PaymentApiFunction;
import dev.lambdaidempotency.examples.payment.SimulatedPaymentProcessor;
import dev.lambdaidempotency.examples.report.Report;
import dev.lambdaidempotency.examples.report.ReportFunction;
import dev.lambdaidempotency.examples.report.ReportGenerator;
import dev.lambdaidempotency.examples.report.ReportRequest;
import dev.lambdaidempotency.examples.wiring.FunctionWiring;
import dev.lambdaidempotency.s3.S3ResultStore;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.testkit.S3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The functions on DynamoDB Local and S3Proxy, wired the way Lambda wires them: {@link FunctionWiring#fromEnvironment}
 * builds url-connection clients from the SDK's standard settings (here the system properties
 * {@code aws.endpointUrlDynamoDb}, {@code aws.endpointUrlS3}, {@code aws.region}, credentials) and the stores from the
 * library's variables (path-style S3 without {@code Expect: 100-continue}, as S3-compatible servers need); events come
 * from events/ through the Lambda runtime's serializer.
 */
class FunctionsIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    private static final List<String> PROPERTIES = List.of("aws.endpointUrlDynamoDb", "aws.endpointUrlS3",
            "aws.region", "aws.accessKeyId", "aws.secretAccessKey", "IDEMPOTENCY_TABLE", "IDEMPOTENCY_BUCKET",
            "IDEMPOTENCY_S3_PATH_STYLE", "IDEMPOTENCY_S3_EXPECT_CONTINUE");

    private static FunctionWiring wiring;
    private static String table;
    private static String bucket;
    private static DynamoDbClient dynamoDb;
    private static S3Client s3;

    @BeforeAll
    static void wireThroughStandardSettings() {
        dynamoDb = aws.dynamoDbClient();
        s3 = aws.s3Client();
        table = aws.newStore(dynamoDb).tableName();
        bucket = aws.newBucket(s3);
        System.setProperty("aws.endpointUrlDynamoDb", aws.dynamoDb().uri().toString());
        System.setProperty("aws.endpointUrlS3", aws.s3().uri().toString());
        System.setProperty("aws.region", aws.s3().region().id());
        System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
        // the library's own variables, as system properties (which it reads first, as the local runner relies on)
        System.setProperty("IDEMPOTENCY_TABLE", table);
        System.setProperty("IDEMPOTENCY_BUCKET", bucket);
        System.setProperty("IDEMPOTENCY_S3_PATH_STYLE", "true");
        System.setProperty("IDEMPOTENCY_S3_EXPECT_CONTINUE", "false");
        wiring = FunctionWiring.fromEnvironment();
    }

    @AfterAll
    static void clearProperties() {
        PROPERTIES.forEach(System::clearProperty);
    }

    @Test
    void paymentSampleEventsFirstReplayMismatchMissingKey() throws IOException {
        PaymentApiFunction function = new PaymentApiFunction(wiring, new SimulatedPaymentProcessor(Clock.systemUTC()));
        APIGatewayProxyResponseEvent first = function.handleRequest(apiEvent("payment-request.json"), null);
        APIGatewayProxyResponseEvent replay = function.handleRequest(apiEvent("payment-request.json"), null);
        APIGatewayProxyResponseEvent changed = function.handleRequest(apiEvent("payment-request-changed-body.json"),
                null);
        APIGatewayProxyResponseEvent noKey = function.handleRequest(apiEvent("payment-request-no-key.json"), null);

        assertEquals(201, first.getStatusCode());
        assertNull(first.getHeaders().get(PaymentApiFunction.REPLAYED_HEADER));
        assertEquals(201, replay.getStatusCode());
        assertEquals("true", replay.getHeaders().get(PaymentApiFunction.REPLAYED_HEADER));
        assertEquals(first.getBody(), replay.getBody());
        assertEquals(422, changed.getStatusCode());
        assertEquals(400, noKey.getStatusCode());
    }

    @Test
    void orderBatchWithDuplicateThenRedelivered() throws IOException {
        OrderConsumerFunction function = new OrderConsumerFunction(wiring, new SimulatedFulfilment(Clock.systemUTC()));
        SQSEvent batch = LambdaEventSerializers.serializerFor(SQSEvent.class, getClass().getClassLoader())
                .fromJson(read("orders-batch-with-duplicate.json"));
        assertEquals(4, batch.getRecords().size());
        SQSBatchResponse first = function.handleRequest(batch, null);
        SQSBatchResponse again = function.handleRequest(batch, null);
        assertEquals(List.of(), first.getBatchItemFailures());
        assertEquals(List.of(), again.getBatchItemFailures());
        long items = dynamoDb.scan(b -> b.tableName(table)).items().stream()
                .filter(i -> i.get("id").s().startsWith(OrderConsumerFunction.LOCAL_FUNCTION_NAME + "#@"
                        + OrderConsumerFunction.OPERATION + "#"))
                .count();
        assertEquals(3, items, "one record per distinct order id");
    }

    @Test
    void reportIsOffloadedToS3AndTheItemHoldsOnlyAPointer() throws IOException {
        ReportFunction function = new ReportFunction(wiring, new ReportGenerator(Clock.systemUTC(), 6_000));
        ReportRequest request = JacksonFactory.getInstance().getSerializer(ReportRequest.class)
                .fromJson(read("report-request.json"));
        Report first = function.handleRequest(request, null);
        Report second = function.handleRequest(request, null);
        assertEquals(first, second);

        Map<String, AttributeValue> item = dynamoDb.scan(b -> b.tableName(table)).items().stream()
                .filter(i -> i.get("id").s().startsWith(ReportFunction.LOCAL_FUNCTION_NAME + "#"))
                .findFirst().orElseThrow();
        assertFalse(item.containsKey("data"));
        Map<String, AttributeValue> pointer = item.get("result_pointer").m();
        assertEquals(bucket, pointer.get("bucket").s());
        assertTrue(pointer.get("key").s().startsWith(S3ResultStore.DEFAULT_OBJECT_KEY_PREFIX));
        long stored = s3.headObject(b -> b.bucket(bucket).key(pointer.get("key").s())).contentLength();
        assertEquals(Long.parseLong(pointer.get("size").n()), stored);
    }

    /**
     * The functions' wiring turns priming on for SnapStart; here it runs as the snapshot hook would (no CRaC runtime
     * in tests), on the wiring's real DynamoDB and S3 stores, over a table and bucket of its own: nothing is written.
     */
    @Test
    void primingTheFunctionsWiringWritesNothingToTheTableOrTheBucket() {
        DynamoDbIdempotencyStore store = aws.newStore(dynamoDb);
        String primedTable = store.tableName();
        String primedBucket = aws.newBucket(s3);
        FunctionWiring primed = FunctionWiring.of(store, S3ResultStore.builder(Map.of()).client(s3)
                .bucket(primedBucket).build());
        Idempotency idempotency = primed.idempotencyWithOffload("primed", config -> config.keyPath("requestId"));
        idempotency.wrap((ReportRequest request, com.amazonaws.services.lambda.runtime.Context context) ->
                new ReportGenerator(Clock.systemUTC(), 6_000).generate(request), Report.class);
        new PaymentApiFunction(primed, new SimulatedPaymentProcessor(Clock.systemUTC()));
        new OrderConsumerFunction(primed, new SimulatedFulfilment(Clock.systemUTC()));

        idempotency.prime();

        assertEquals(0, dynamoDb.scan(b -> b.tableName(primedTable)).count(), "no record");
        assertEquals(0, s3.listObjectsV2(b -> b.bucket(primedBucket)).keyCount(), "no offloaded result");
    }

    private static APIGatewayProxyRequestEvent apiEvent(String name) throws IOException {
        return LambdaEventSerializers.serializerFor(APIGatewayProxyRequestEvent.class,
                FunctionsIntegrationTest.class.getClassLoader()).fromJson(read(name));
    }

    private static String read(String name) throws IOException {
        return Files.readString(Path.of("..", "events", name));
    }
}
