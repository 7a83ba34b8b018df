package dev.lambdaidempotency.examples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdaidempotency.examples.report.Report;
import dev.lambdaidempotency.examples.report.ReportApiFunction;
import dev.lambdaidempotency.examples.report.ReportGenerator;
import dev.lambdaidempotency.examples.wiring.FunctionWiring;
import dev.lambdaidempotency.http.AsyncHandOver;
import dev.lambdaidempotency.http.AsyncMode;
import dev.lambdaidempotency.http.IdempotentHttp;
import dev.lambdaidempotency.s3.S3ResultStore;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.testkit.TestLambdaContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The report API end to end on DynamoDB Local and S3Proxy: {@code 202} → {@code 202} → a replay of a statement over
 * Lambda's 6 MB response limit as a presigned link whose download is exactly the recorded bytes. The hand-over travels
 * as the self-invoke would carry it: the marked event, read back by the Lambda runtime's event serializer.
 */
class ReportApiIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024;

    private static S3Client s3;
    private static S3Presigner presigner;
    private static FunctionWiring wiring;

    @BeforeAll
    static void wire() {
        s3 = aws.s3Client();
        presigner = aws.s3().s3Presigner();
        wiring = FunctionWiring.of(aws.newStore(aws.dynamoDbClient()),
                S3ResultStore.builder(Map.of()).client(s3).bucket(aws.newBucket(s3)).build());
    }

    @AfterAll
    static void close() {
        presigner.close();
    }

    @Test
    void acceptedThenInProgressThenTheStatementOverTheResponseLimitAsALinkToItsExactBytes() throws Exception {
        List<AsyncHandOver> handOvers = new ArrayList<>();
        AtomicReference<Report> generated = new AtomicReference<>();
        ReportGenerator generator = new ReportGenerator(Clock.systemUTC(), ReportApiFunction.TRANSACTIONS);
        AtomicInteger generations = new AtomicInteger();
        ReportApiFunction function = new ReportApiFunction(wiring, request -> {
            generations.incrementAndGet();
            generated.set(generator.generate(request));
            return generated.get();
        }, (handOver, context) -> handOvers.add(handOver), presigner);

        APIGatewayProxyResponseEvent accepted = function.handleRequest(post("stmt-1"), context());
        APIGatewayProxyResponseEvent inProgress = function.handleRequest(post("stmt-1"), context());

        assertEquals(202, accepted.getStatusCode());
        assertEquals("/reports", accepted.getHeaders().get("Location"));
        assertEquals("accepted", JSON.readTree(accepted.getBody()).get("status").asText());
        assertEquals(202, inProgress.getStatusCode());
        assertEquals("in-progress", JSON.readTree(inProgress.getBody()).get("status").asText());
        assertEquals(1, handOvers.size());

        // the asynchronous self-invoke: the marked event, as the Lambda runtime reads it into the handler's type
        APIGatewayProxyRequestEvent delivered = LambdaEventSerializers.serializerFor(
                APIGatewayProxyRequestEvent.class, getClass().getClassLoader())
                .fromJson(new String(handOvers.get(0).invocationPayload(), StandardCharsets.UTF_8));
        function.handleRequest(delivered, context());
        byte[] statement = FunctionWiring.json().valueToTree(generated.get()).toString()
                .getBytes(StandardCharsets.UTF_8);
        assertTrue(statement.length > LAMBDA_RESPONSE_LIMIT, "the statement is over Lambda's response limit: "
                + statement.length);

        APIGatewayProxyResponseEvent replay = function.handleRequest(post("stmt-1"), context());

        assertEquals(200, replay.getStatusCode());
        assertEquals(AsyncMode.RESULT_LINK_MEDIA_TYPE, replay.getHeaders().get("Content-Type"));
        assertEquals("true", replay.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertTrue(replay.getBody().length() < 4096, "a link, not the statement");
        JsonNode link = JSON.readTree(replay.getBody());
        byte[] downloaded = download(link.get("url").asText());
        assertEquals(link.get("sha256").asText(), sha256(downloaded), "the recorded bytes, verified by SHA-256");
        JsonNode recorded = JSON.readTree(decode(downloaded, link.get("contentEncoding").asText()));
        assertEquals(200, recorded.get("statusCode").asInt());
        assertEquals(sha256(statement), sha256(recorded.get("body").asText()
                .getBytes(StandardCharsets.UTF_8)), "the statement the worker generated, byte for byte");

        function.handleRequest(delivered, context()); // a duplicate delivery of the self-invoke
        APIGatewayProxyResponseEvent again = function.handleRequest(post("stmt-1"), context());
        assertEquals(200, again.getStatusCode());
        assertEquals(AsyncMode.RESULT_LINK_MEDIA_TYPE, again.getHeaders().get("Content-Type"));
        assertEquals(1, generations.get(), "generated once");
    }

    @Test
    void anInvalidBodyIsRefusedBeforeTheKeyIsClaimed() throws Exception {
        List<AsyncHandOver> handOvers = new ArrayList<>();
        ReportApiFunction function = new ReportApiFunction(wiring, request -> {
            throw new AssertionError("never generated");
        }, (handOver, context) -> handOvers.add(handOver), presigner);
        APIGatewayProxyRequestEvent invalid = post("stmt-2");
        invalid.setBody("{\"requestId\":\"stmt-2\",\"customerId\":\"cus_1\",\"period\":\"May\"}");

        APIGatewayProxyResponseEvent refused = function.handleRequest(invalid, context());

        assertEquals(400, refused.getStatusCode());
        assertEquals(0, handOvers.size());
        assertEquals(202, function.handleRequest(post("stmt-2"), context()).getStatusCode());
    }

    @Test
    void aBase64BodyAsApiGatewayDeliversItIsReadLikeThePlainOne() throws Exception {
        List<AsyncHandOver> handOvers = new ArrayList<>();
        ReportApiFunction function = new ReportApiFunction(wiring, request -> {
            throw new AssertionError("not generated in this test");
        }, (handOver, context) -> handOvers.add(handOver), presigner);
        APIGatewayProxyRequestEvent encoded = post("stmt-3");
        encoded.setBody(java.util.Base64.getEncoder().encodeToString(
                encoded.getBody().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        encoded.setIsBase64Encoded(true);

        assertEquals(202, function.handleRequest(encoded, context()).getStatusCode());
        assertEquals(1, handOvers.size());
        // the same request with a plain body is the same request: in progress, no second hand-over
        assertEquals(202, function.handleRequest(post("stmt-3"), context()).getStatusCode());
        assertEquals(1, handOvers.size());

        APIGatewayProxyRequestEvent broken = post("stmt-4");
        broken.setBody("not base64 ~~~");
        broken.setIsBase64Encoded(true);
        assertEquals(400, function.handleRequest(broken, context()).getStatusCode());
    }

    private static APIGatewayProxyRequestEvent post(String key) throws IOException {
        Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "application/json",
                "Idempotency-Key", key));
        Map<String, List<String>> multi = new HashMap<>();
        headers.forEach((name, value) -> multi.put(name, List.of(value)));
        return new APIGatewayProxyRequestEvent().withHttpMethod("POST").withPath("/reports").withHeaders(headers)
                .withMultiValueHeaders(multi).withBody(Files.readString(Path.of("..", "events",
                        "report-request.json"))).withIsBase64Encoded(false);
    }

    private static TestLambdaContext context() {
        return TestLambdaContext.fixed(60_000);
    }

    private static byte[] download(String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    private static byte[] decode(byte[] stored, String contentEncoding) throws IOException {
        if (!"gzip".equals(contentEncoding)) {
            return stored;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(stored))) {
            return in.readAllBytes();
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
