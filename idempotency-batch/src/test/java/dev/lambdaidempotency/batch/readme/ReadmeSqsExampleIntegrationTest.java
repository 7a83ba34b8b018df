package dev.lambdaidempotency.batch.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.testkit.AwsEndpoint;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.testkit.TestLambdaContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The README's SQS example is {@link OrderConsumer} line for line, and runs unchanged against DynamoDB Local: its
 * {@code DynamoDbClient.create()} finds the endpoint, region and credentials in the SDK's system properties, as it
 * finds them in Lambda's environment.
 */
class ReadmeSqsExampleIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    private static final List<String> PROPERTIES = List.of("aws.endpointUrl", "aws.region", "aws.accessKeyId",
            "aws.secretAccessKey");
    private final Map<String, String> saved = new HashMap<>();

    @BeforeEach
    void pointTheSdkAtDynamoDbLocal() {
        AwsEndpoint endpoint = aws.dynamoDb();
        List<String> values = List.of(endpoint.uri().toString(), endpoint.region().id(), endpoint.accessKey(),
                endpoint.secretKey());
        for (int i = 0; i < PROPERTIES.size(); i++) {
            saved.put(PROPERTIES.get(i), System.getProperty(PROPERTIES.get(i)));
            System.setProperty(PROPERTIES.get(i), values.get(i));
        }
        try (DynamoDbClient client = DynamoDbClient.create()) {
            DynamoDbIdempotencyStore.builder().client(client).build().createTableIfMissing();
        }
        Warehouse.FULFILLED.clear();
    }

    @AfterEach
    void restore() {
        saved.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
    }

    @Test
    void theReadmeShowsTheExampleVerbatim() throws IOException {
        String source = Files.readString(Path.of("src/test/java/dev/lambdaidempotency/batch/readme/OrderConsumer.java"));
        String example = source.substring(source.indexOf("public class OrderConsumer")).strip();
        String readme = Files.readString(Path.of("../README.md"));
        assertTrue(readme.contains("```java\n" + example + "\n```"), "README.md shows OrderConsumer verbatim:\n"
                + example);
        assertTrue(example.lines().count() <= 15, "at most 15 lines: " + example.lines().count());
    }

    @Test
    void theExampleSkipsADuplicateOrderAndARedeliveredBatch() {
        OrderConsumer consumer = new OrderConsumer();
        String order = "ord-" + System.nanoTime();
        SQSEvent batch = batch(message("m1", order), message("m2", order + "-b"), message("m3", order));

        SQSBatchResponse first = consumer.handleRequest(batch, TestLambdaContext.fixed(60_000));
        SQSBatchResponse again = new OrderConsumer().handleRequest(batch, TestLambdaContext.fixed(60_000));

        assertEquals(List.of(), first.getBatchItemFailures());
        assertEquals(List.of(), again.getBatchItemFailures());
        assertEquals(List.of(order, order + "-b"), Warehouse.FULFILLED, "each order fulfilled once");
    }

    @Test
    void theExampleReportsAnUnreadableMessage() {
        SQSBatchResponse response = new OrderConsumer().handleRequest(batch(message("m1", "ord-x"),
                bad("m2")), TestLambdaContext.fixed(60_000));
        assertEquals(List.of("m2"), response.getBatchItemFailures().stream()
                .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList());
    }

    private static SQSEvent.SQSMessage message(String id, String orderId) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(id);
        message.setBody("{\"orderId\":\"" + orderId + "\",\"quantity\":1}");
        return message;
    }

    private static SQSEvent.SQSMessage bad(String id) {
        SQSEvent.SQSMessage message = message(id, "unused");
        message.setBody("{not json");
        return message;
    }

    private static SQSEvent batch(SQSEvent.SQSMessage... messages) {
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(messages));
        return event;
    }
}
