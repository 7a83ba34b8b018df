package dev.lambdaidempotency.http.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's "wrap an HTTP handler" example: the same code, compiled, run on DynamoDB Local, at most 15 lines. */
class ReadmeHttpExampleIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    private static final String BEGIN = "// --- README begin\n";
    private static final String END = "// --- README end\n";

    @Test
    void theReadmeExampleIsThisCodeAndAtMost15Lines() throws IOException {
        String source = Files.readString(Path.of("src/test/java/dev/lambdaidempotency/http/readme/"
                + "CreateOrderFunction.java"));
        String example = source.substring(source.indexOf(BEGIN) + BEGIN.length(), source.indexOf(END));
        String readme = Files.readString(Path.of("../README.md"));
        assertTrue(readme.contains("```java\n" + example + "```\n"), "README.md shows CreateOrderFunction as is");
        assertTrue(example.lines().count() <= 15, example.lines().count() + " lines");
    }

    @Test
    void theExampleCreatesOnceReplaysAndMapsItsException() {
        Orders orders = new Orders();
        CreateOrderFunction function = new CreateOrderFunction(Idempotency.builder()
                .store(aws.newStore(aws.dynamoDbClient()))
                .config(IdempotencyConfig.builder(Map.of()).functionName("readme-fn").build())
                .build(), orders);

        APIGatewayProxyResponseEvent invalid = function.handleRequest(request("{}"), null);
        assertEquals(400, invalid.getStatusCode());
        assertTrue(invalid.getBody().contains("urn:lambda-idempotency:problem:invalid-request"));

        APIGatewayProxyResponseEvent created = function.handleRequest(request("{\"item\":\"book\"}"), null);
        APIGatewayProxyResponseEvent replayed = function.handleRequest(request("{\"item\":\"book\"}"), null);
        assertEquals(201, created.getStatusCode());
        assertNull(created.getHeaders().get("Idempotent-Replayed"));
        assertEquals(201, replayed.getStatusCode());
        assertEquals("true", replayed.getHeaders().get("Idempotent-Replayed"));
        assertEquals(created.getBody(), replayed.getBody());
        assertEquals(1, orders.created());
    }

    private static APIGatewayProxyRequestEvent request(String body) {
        return new APIGatewayProxyRequestEvent().withHttpMethod("POST").withPath("/orders")
                .withHeaders(Map.of("Idempotency-Key", "order-42")).withBody(body);
    }
}
