package dev.lambdaidempotency.http;

import static dev.lambdaidempotency.http.HttpEvents.BODY;
import static dev.lambdaidempotency.http.HttpEvents.assertProblem;
import static dev.lambdaidempotency.http.HttpEvents.base64;
import static dev.lambdaidempotency.http.HttpEvents.rest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.s3.S3ResultStore;
import dev.lambdaidempotency.spi.InvocationMetrics.Outcome;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.testkit.MutableClock;
import dev.lambdaidempotency.testkit.TestLambdaContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.s3.S3Client;

/** The Idempotency-Key flow for API Gateway REST APIs, end to end on DynamoDB Local (and S3Proxy for offload). */
class RestApiIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    private static DynamoDbClient dynamoDb;

    private final MutableClock clock = MutableClock.start();
    private final AtomicInteger runs = new AtomicInteger();
    private DynamoDbIdempotencyStore store;
    /** What the handler answers; by default 201 with an order id that changes on every run. */
    private RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> behaviour;

    @BeforeAll
    static void connect() {
        dynamoDb = aws.dynamoDbClient();
    }

    @BeforeEach
    void newTable() {
        store = aws.newStore(dynamoDb);
        behaviour = (request, context) -> new APIGatewayProxyResponseEvent().withStatusCode(201)
                .withHeaders(Map.of("Content-Type", "application/json", "Location", "/orders/" + runs.get()))
                .withMultiValueHeaders(Map.of("Set-Cookie", List.of("a=1", "b=2")))
                .withBody("{\"order\":" + runs.get() + "}");
    }

    private Idempotency idempotency(UnaryOperator<IdempotencyConfig.Builder> config) {
        return Idempotency.builder().store(store)
                .config(config.apply(IdempotencyConfig.builder(Map.of()).functionName("http-fn").clock(clock)).build())
                .build();
    }

    /** An instance that offloads responses over 1 KiB to {@code bucket}. */
    private Idempotency offloadingTo(S3Client s3, String bucket) {
        return Idempotency.builder().store(store)
                .resultStore(S3ResultStore.builder(Map.of()).client(s3).bucket(bucket).build())
                .config(IdempotencyConfig.builder(Map.of()).functionName("http-fn").clock(clock)
                        .offloadThresholdBytes(1024).build())
                .build();
    }

    private RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler(
            UnaryOperator<IdempotentHttp.Builder> adapter) {
        return adapter.apply(IdempotentHttp.builder(idempotency(c -> c))).build().restApi((request, context) -> {
            runs.incrementAndGet();
            return behaviour.handleRequest(request, context);
        });
    }

    private RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler() {
        return handler(a -> a);
    }

    private static APIGatewayProxyResponseEvent call(
            RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler,
            APIGatewayProxyRequestEvent request) {
        return handler.handleRequest(request, TestLambdaContext.fixed(30_000));
    }

    private static void assertProblemResponse(int status, String type, APIGatewayProxyResponseEvent response) {
        assertProblem(status, type, response.getStatusCode(), response.getHeaders(), response.getBody());
    }

    // ------------------------------------------------------------------------------------------ execute and replay

    @Test
    void theFirstRequestRunsAndARepeatReplaysStatusHeadersAndBodyWithTheMarker() {
        var handler = handler();
        APIGatewayProxyResponseEvent first = call(handler, rest("k-1", BODY));
        APIGatewayProxyResponseEvent second = call(handler, rest("k-1", BODY));

        assertEquals(201, first.getStatusCode());
        assertNull(first.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertEquals(201, second.getStatusCode());
        assertEquals("true", second.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertEquals("true", second.getMultiValueHeaders().get(IdempotentHttp.REPLAYED_HEADER).get(0));
        assertEquals(first.getBody(), second.getBody());
        assertEquals("/orders/1", second.getHeaders().get("Location"));
        assertEquals(List.of("a=1", "b=2"), second.getMultiValueHeaders().get("Set-Cookie"));
        assertFalse(second.getIsBase64Encoded());
        assertEquals(1, runs.get());
    }

    @Test
    void theRecordHoldsTheHttpResponse() {
        call(handler(), rest("k-record", BODY));
        List<Map<String, AttributeValue>> items = dynamoDb.scan(ScanRequest.builder().tableName(tableName()).build())
                .items();
        assertEquals(1, items.size());
        assertEquals("COMPLETED", items.get(0).get("status").s());
        assertTrue(items.get(0).get("id").s().contains("@http"), items.get(0).get("id").s());
        assertTrue(items.get(0).get("data").s().contains("\"statusCode\":201"), items.get(0).get("data").s());
    }

    @Test
    void differentKeysRunSeparately() {
        var handler = handler();
        assertEquals("{\"order\":1}", call(handler, rest("k-a", BODY)).getBody());
        assertEquals("{\"order\":2}", call(handler, rest("k-b", BODY)).getBody());
        assertEquals(2, runs.get());
    }

    @Test
    void theHeaderNameIsCaseInsensitiveAndAQuotedStructuredFieldStringIsTheSameKey() {
        var handler = handler();
        call(handler, rest("k-case", BODY));
        APIGatewayProxyRequestEvent lower = rest(null, BODY);
        lower.getHeaders().put("IDEMPOTENCY-KEY", "\"k-case\"");
        assertEquals("true", call(handler, lower).getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertEquals(1, runs.get());
    }

    @Test
    void aCustomKeyHeader() {
        var handler = handler(a -> a.keyHeader("X-Request-Id"));
        assertProblemResponse(400, Problem.KEY_MISSING, call(handler, rest("k-custom", BODY)));
        APIGatewayProxyRequestEvent request = rest(null, BODY);
        request.getHeaders().put("x-request-id", "k-custom");
        assertEquals(201, call(handler, request).getStatusCode());
        assertEquals("true", call(handler, request).getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
    }

    // --------------------------------------------------------------------------------------------- bad keys: 400

    @Test
    void aMissingOrBlankKeyIs400AndTheHandlerDoesNotRun() {
        var handler = handler();
        assertProblemResponse(400, Problem.KEY_MISSING, call(handler, rest(null, BODY)));
        assertProblemResponse(400, Problem.KEY_MISSING, call(handler, rest("   ", BODY)));
        assertProblemResponse(400, Problem.KEY_MISSING, call(handler, rest("\"\"", BODY)));
        assertEquals(0, runs.get());
    }

    @Test
    void aKeyLongerThanMaxKeyBytesIs400() {
        var handler = IdempotentHttp.builder(idempotency(c -> c.maxKeyBytes(64))).build()
                .restApi((request, context) -> {
                    runs.incrementAndGet();
                    return new APIGatewayProxyResponseEvent().withStatusCode(200);
                });
        assertProblemResponse(400, Problem.KEY_TOO_LARGE, call(handler, rest("k".repeat(65), BODY)));
        assertEquals(200, call(handler, rest("k".repeat(64), BODY)).getStatusCode());
        assertEquals(1, runs.get());
    }

    @Test
    void severalDifferentKeysAre400ButTheSameKeyRepeatedIsOneKey() {
        var handler = handler();
        APIGatewayProxyRequestEvent twoLines = rest("k-x", BODY);
        twoLines.getMultiValueHeaders().put("Idempotency-Key", List.of("k-x", "k-y"));
        assertProblemResponse(400, Problem.KEY_INVALID, call(handler, twoLines));

        APIGatewayProxyRequestEvent commaList = rest("k-x, k-y", BODY);
        assertProblemResponse(400, Problem.KEY_INVALID, call(handler, commaList));
        assertEquals(0, runs.get());

        APIGatewayProxyRequestEvent repeated = rest("k-x", BODY);
        repeated.getMultiValueHeaders().put("Idempotency-Key", List.of("k-x", "k-x"));
        assertEquals(201, call(handler, repeated).getStatusCode());
        assertEquals("true", call(handler, rest("k-x", BODY)).getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
    }

    // ----------------------------------------------------------------------------------------------- fingerprint

    @Test
    void theKeyReusedWithAnotherBodyIs422AndTheHandlerDoesNotRun() {
        var handler = handler();
        call(handler, rest("k-reuse", BODY));
        assertProblemResponse(422, Problem.KEY_REUSED, call(handler, rest("k-reuse", BODY.replace("1250", "99"))));
        assertEquals(1, runs.get());
    }

    @Test
    void jsonBodiesAreComparedByValue() {
        var handler = handler();
        call(handler, rest("k-json", BODY));
        APIGatewayProxyResponseEvent reordered = call(handler,
                rest("k-json", "{ \"currency\" : \"EUR\",\n \"amount\" : 1250.0 }"));
        assertEquals("true", reordered.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertEquals(1, runs.get());
    }

    @Test
    void methodAndPathArePartOfTheFingerprintUnlessTurnedOff() {
        var strict = handler();
        call(strict, rest("k-path", BODY));
        assertProblemResponse(422, Problem.KEY_REUSED, call(strict, rest("k-path", BODY).withPath("/refunds")));
        assertProblemResponse(422, Problem.KEY_REUSED, call(strict, rest("k-path", BODY).withHttpMethod("PUT")));

        var bodyOnly = handler(a -> a.fingerprintMethodAndPath(false).operationName("body-only"));
        call(bodyOnly, rest("k-path", BODY));
        assertEquals("true", call(bodyOnly, rest("k-path", BODY).withPath("/refunds")).getHeaders()
                .get(IdempotentHttp.REPLAYED_HEADER));
        assertEquals(2, runs.get());
    }

    @Test
    void theQueryStringIsPartOfTheFingerprint() {
        var handler = handler();
        call(handler, rest("k-query", BODY).withQueryStringParameters(Map.of("amount", "100")));
        assertEquals("true", call(handler, rest("k-query", BODY).withQueryStringParameters(Map.of("amount", "100")))
                .getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertProblemResponse(422, Problem.KEY_REUSED,
                call(handler, rest("k-query", BODY).withQueryStringParameters(Map.of("amount", "1000"))));
        assertProblemResponse(422, Problem.KEY_REUSED, call(handler, rest("k-query", BODY)));
        assertEquals(1, runs.get());
    }

    @Test
    void aSafeMethodWithoutAKeyRunsWithoutIdempotencyButAnUnsafeOneIs400() {
        var handler = handler();
        APIGatewayProxyRequestEvent preflight = rest("unused", null).withHttpMethod("OPTIONS")
                .withHeaders(Map.of()).withMultiValueHeaders(Map.of());
        assertEquals(201, call(handler, preflight).getStatusCode());
        assertEquals(201, call(handler, preflight.withHttpMethod("GET")).getStatusCode());
        assertEquals(2, runs.get(), "each safe request ran");
        assertProblemResponse(400, Problem.KEY_MISSING, call(handler, preflight.withHttpMethod("POST")));
        assertEquals(2, runs.get());
    }

    @Test
    void aBase64BodyWrappedInLinesIsTheSameRequest() {
        var handler = handler();
        String encoded = base64(BODY);
        String wrapped = encoded.substring(0, 10) + "\r\n" + encoded.substring(10);
        assertEquals(201, call(handler, rest("k-wrapped", encoded).withIsBase64Encoded(true)).getStatusCode());
        assertEquals("true", call(handler, rest("k-wrapped", wrapped).withIsBase64Encoded(true)).getHeaders()
                .get(IdempotentHttp.REPLAYED_HEADER));
        assertEquals(1, runs.get());
    }

    @Test
    void aBase64BodyIsTheSameRequestAsItsPlainText() {
        var handler = handler();
        APIGatewayProxyRequestEvent encoded = rest("k-b64", base64(BODY)).withIsBase64Encoded(true);
        assertEquals(201, call(handler, encoded).getStatusCode());
        APIGatewayProxyResponseEvent plain = call(handler, rest("k-b64", BODY));
        assertEquals("true", plain.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertProblemResponse(422, Problem.KEY_REUSED,
                call(handler, rest("k-b64", base64("{\"amount\":1}")).withIsBase64Encoded(true)));
        assertEquals(1, runs.get());
    }

    @Test
    void binaryBodiesAreComparedByTheirBytes() {
        var handler = handler();
        String bytes = Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, 0, 1, 2});
        String other = Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, 0, 1, 3});
        call(handler, rest("k-bin", bytes).withIsBase64Encoded(true));
        assertEquals("true", call(handler, rest("k-bin", bytes).withIsBase64Encoded(true)).getHeaders()
                .get(IdempotentHttp.REPLAYED_HEADER));
        assertProblemResponse(422, Problem.KEY_REUSED, call(handler, rest("k-bin", other).withIsBase64Encoded(true)));
        assertProblemResponse(422, Problem.KEY_REUSED, call(handler, rest("k-bin", bytes)));
        assertEquals(1, runs.get());
    }

    @Test
    void aBodyFlaggedBase64ThatIsNotIs400AndTheKeyStaysFree() {
        var handler = handler();
        assertProblemResponse(400, Problem.INVALID_REQUEST,
                call(handler, rest("k-bad64", "not base64 !").withIsBase64Encoded(true)));
        assertEquals(201, call(handler, rest("k-bad64", BODY)).getStatusCode());
        assertEquals(1, runs.get());
    }

    @Test
    void aBase64ResponseIsReplayedAsBase64() {
        String png = Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        behaviour = (request, context) -> new APIGatewayProxyResponseEvent().withStatusCode(200)
                .withHeaders(Map.of("Content-Type", "image/png")).withBody(png).withIsBase64Encoded(true);
        var handler = handler();
        call(handler, rest("k-png", BODY));
        APIGatewayProxyResponseEvent replay = call(handler, rest("k-png", BODY));
        assertEquals(png, replay.getBody());
        assertTrue(replay.getIsBase64Encoded());
        assertEquals("image/png", replay.getHeaders().get("Content-Type"));
        assertEquals("true", replay.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertEquals(1, runs.get());
    }

    // ----------------------------------------------------------------------------------------------- in progress

    @Test
    void aRepeatWhileTheFirstRunsIs409WithRetryAfter() {
        AtomicReference<RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>> self =
                new AtomicReference<>();
        List<APIGatewayProxyResponseEvent> during = new ArrayList<>();
        behaviour = (request, context) -> {
            during.add(self.get().handleRequest(rest("k-busy", BODY), context)); // the client's retry, meanwhile
            return new APIGatewayProxyResponseEvent().withStatusCode(201).withBody("{}");
        };
        self.set(handler());
        assertEquals(201, call(self.get(), rest("k-busy", BODY)).getStatusCode());

        assertProblemResponse(409, Problem.REQUEST_IN_PROGRESS, during.get(0));
        assertEquals("1", during.get(0).getHeaders().get("Retry-After"));
        assertEquals(1, runs.get());
        assertEquals("true", call(self.get(), rest("k-busy", BODY)).getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
    }

    @Test
    void theRetryAfterOf409IsConfigurableAndRoundedUp() {
        AtomicReference<RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>> self =
                new AtomicReference<>();
        List<APIGatewayProxyResponseEvent> during = new ArrayList<>();
        behaviour = (request, context) -> {
            during.add(self.get().handleRequest(rest("k-busy", BODY), context));
            return new APIGatewayProxyResponseEvent().withStatusCode(201);
        };
        self.set(handler(a -> a.inProgressRetryAfter(Duration.ofMillis(2500))));
        call(self.get(), rest("k-busy", BODY));
        assertEquals("3", during.get(0).getHeaders().get("Retry-After"));
    }

    // ------------------------------------------------------------------------------------- what is recorded

    @Test
    void a5xxResponseIsNotRecordedAndReleasesTheKey() {
        behaviour = (request, context) -> new APIGatewayProxyResponseEvent().withStatusCode(502).withBody("upstream");
        var handler = handler();
        APIGatewayProxyResponseEvent failed = call(handler, rest("k-5xx", BODY));
        assertEquals(502, failed.getStatusCode());
        assertEquals("upstream", failed.getBody());

        behaviour = (request, context) -> new APIGatewayProxyResponseEvent().withStatusCode(201).withBody("ok");
        APIGatewayProxyResponseEvent retried = call(handler, rest("k-5xx", BODY));
        assertEquals(201, retried.getStatusCode());
        assertNull(retried.getHeaders());
        assertEquals(2, runs.get());
        assertEquals("true", call(handler, rest("k-5xx", BODY)).getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
    }

    @Test
    void aResponseNotRecordedIsCountedAsSuchAndOnlyAThrowingHandlerAsAHandlerError() {
        List<Outcome> outcomes = new ArrayList<>();
        var handler = IdempotentHttp.builder(Idempotency.builder().store(store).metrics(m -> outcomes.add(m.outcome()))
                .config(IdempotencyConfig.builder(Map.of()).functionName("http-fn").clock(clock).build()).build())
                .build().restApi((request, context) -> behaviour.handleRequest(request, context));
        behaviour = (request, context) -> new APIGatewayProxyResponseEvent().withStatusCode(503).withBody("later");
        assertEquals(503, call(handler, rest("k-503", BODY)).getStatusCode());
        behaviour = (request, context) -> new APIGatewayProxyResponseEvent().withStatusCode(404).withBody("none");
        assertEquals(404, call(handler, rest("k-404", BODY)).getStatusCode());
        behaviour = (request, context) -> {
            throw new IllegalStateException("crashed");
        };
        assertProblemResponse(500, Problem.INTERNAL_ERROR, call(handler, rest("k-crash", BODY)));
        behaviour = (request, context) -> new APIGatewayProxyResponseEvent().withStatusCode(201);
        assertEquals(201, call(handler, rest("k-503", BODY)).getStatusCode(), "the 503 released the key");

        assertEquals(List.of(Outcome.NOT_RECORDED, Outcome.NOT_RECORDED, Outcome.HANDLER_ERROR, Outcome.NEW),
                outcomes, "a 503 or 404 the handler answered is no handler error; its exception is");
    }

    @Test
    void a4xxResponseReleasesTheKeyByDefault() {
        behaviour = (request, context) -> new APIGatewayProxyResponseEvent().withStatusCode(404).withBody("none");
        var handler = handler();
        assertEquals(404, call(handler, rest("k-4xx", BODY)).getStatusCode());
        behaviour = (request, context) -> new APIGatewayProxyResponseEvent().withStatusCode(201).withBody("made");
        APIGatewayProxyResponseEvent retried = call(handler, rest("k-4xx", BODY));
        assertEquals(201, retried.getStatusCode());
        assertEquals(2, runs.get());
    }

    @Test
    void a4xxResponseIsRecordedAndReplayedWhenClientErrorsAreStored() {
        behaviour = (request, context) -> new APIGatewayProxyResponseEvent().withStatusCode(402)
                .withHeaders(Map.of("Content-Type", "application/json")).withBody("{\"declined\":true}");
        var handler = handler(a -> a.storeClientErrors(true));
        assertEquals(402, call(handler, rest("k-402", BODY)).getStatusCode());
        APIGatewayProxyResponseEvent replay = call(handler, rest("k-402", BODY));
        assertEquals(402, replay.getStatusCode());
        assertEquals("{\"declined\":true}", replay.getBody());
        assertEquals("true", replay.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertEquals(1, runs.get());
    }

    @Test
    void a3xxResponseIsRecorded() {
        behaviour = (request, context) -> new APIGatewayProxyResponseEvent().withStatusCode(303)
                .withHeaders(Map.of("Location", "/orders/1"));
        var handler = handler();
        call(handler, rest("k-303", BODY));
        APIGatewayProxyResponseEvent replay = call(handler, rest("k-303", BODY));
        assertEquals(303, replay.getStatusCode());
        assertEquals("true", replay.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertEquals(1, runs.get());
    }

    @Test
    void aResponseLargerThanTheOffloadThresholdIsReplayedFromS3() {
        S3Client s3 = aws.s3Client();
        String bucket = aws.newBucket(s3);
        Idempotency offloading = offloadingTo(s3, bucket);
        String big = "x".repeat(50_000);
        var handler = IdempotentHttp.builder(offloading).build().restApi((request, context) -> {
            runs.incrementAndGet();
            return new APIGatewayProxyResponseEvent().withStatusCode(200).withBody(big);
        });
        call(handler, rest("k-big", BODY));
        APIGatewayProxyResponseEvent replay = call(handler, rest("k-big", BODY));
        assertEquals(big, replay.getBody());
        assertEquals("true", replay.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertEquals(1, runs.get());
        assertEquals(1, s3.listObjectsV2(b -> b.bucket(bucket)).keyCount());
    }

    @Test
    void aProcessedRequestWhoseResponseIsLostIsResponseUnavailableNotAGeneric500() {
        S3Client s3 = aws.s3Client();
        String bucket = aws.newBucket(s3);
        Idempotency offloading = offloadingTo(s3, bucket);
        var handler = IdempotentHttp.builder(offloading).build().restApi((request, context) -> {
            runs.incrementAndGet();
            return new APIGatewayProxyResponseEvent().withStatusCode(200).withBody("y".repeat(5_000));
        });
        call(handler, rest("k-lost", BODY));
        s3.listObjectsV2(b -> b.bucket(bucket)).contents()
                .forEach(object -> s3.deleteObject(b -> b.bucket(bucket).key(object.key())));
        APIGatewayProxyResponseEvent lost = call(handler, rest("k-lost", BODY));
        assertProblemResponse(500, Problem.RESPONSE_UNAVAILABLE, lost);
        assertTrue(lost.getBody().contains("do not resend it under a new key"), lost.getBody());
        assertEquals(1, runs.get(), "never processed again");
    }

    // -------------------------------------------------------------------------------------------- exceptions

    static final class OutOfStockException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutOfStockException(String message) {
            super(message);
        }
    }

    @Test
    void aMappedExceptionIsItsProblemAndReleasesTheKey() {
        behaviour = (request, context) -> {
            throw new OutOfStockException("item 7 is out of stock");
        };
        var handler = handler(a -> a.onException(OutOfStockException.class,
                e -> Problem.of("out-of-stock", "Out of stock", 409, e.getMessage())));
        APIGatewayProxyResponseEvent response = call(handler, rest("k-stock", BODY));
        assertEquals("item 7 is out of stock", assertProblem(409, Problem.TYPE_PREFIX + "out-of-stock",
                response.getStatusCode(), response.getHeaders(), response.getBody()).path("detail").asText());

        behaviour = (request, context) -> new APIGatewayProxyResponseEvent().withStatusCode(201);
        assertEquals(201, call(handler, rest("k-stock", BODY)).getStatusCode());
        assertEquals(2, runs.get());
    }

    @Test
    void anUnmappedExceptionIs500WithoutItsMessageAndReleasesTheKey() {
        behaviour = (request, context) -> {
            throw new IllegalStateException("db password=hunter2 at com.example.Db.connect(Db.java:42)");
        };
        var handler = handler(a -> a.onException(OutOfStockException.class,
                e -> Problem.of("out-of-stock", "Out of stock", 409, e.getMessage())));
        APIGatewayProxyResponseEvent response = call(handler, rest("k-boom", BODY));
        assertProblemResponse(500, Problem.INTERNAL_ERROR, response);
        assertFalse(response.getBody().contains("hunter2"));

        behaviour = (request, context) -> new APIGatewayProxyResponseEvent().withStatusCode(201);
        assertEquals(201, call(handler, rest("k-boom", BODY)).getStatusCode());
    }

    @Test
    void mappingsAreTriedInOrderAndAFailingMappingIs500() {
        behaviour = (request, context) -> {
            throw new OutOfStockException("gone");
        };
        var first = handler(a -> a
                .onException(OutOfStockException.class, e -> Problem.of("first", "First", 400, null))
                .onException(RuntimeException.class, e -> Problem.of("second", "Second", 400, null)));
        assertProblemResponse(400, Problem.TYPE_PREFIX + "first", call(first, rest("k-order", BODY)));

        var failing = handler(a -> a.operationName("failing").onException(OutOfStockException.class, e -> {
            throw new IllegalArgumentException("mapping bug");
        }));
        assertProblemResponse(500, Problem.INTERNAL_ERROR, call(failing, rest("k-order", BODY)));
    }

    @Test
    void noResponseOrNoStatusCodeIsTheHandlersFault() {
        behaviour = (request, context) -> null;
        var handler = handler();
        assertProblemResponse(500, Problem.INTERNAL_ERROR, call(handler, rest("k-null", BODY)));
        behaviour = (request, context) -> new APIGatewayProxyResponseEvent().withBody("no status");
        assertProblemResponse(500, Problem.INTERNAL_ERROR, call(handler, rest("k-null", BODY)));
        assertEquals(2, runs.get(), "released both times");
    }

    private String tableName() {
        return store.tableName();
    }
}
