package dev.lambdaidempotency.examples.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdaidempotency.examples.TestWiring;
import dev.lambdaidempotency.http.Problem;
import dev.lambdaidempotency.testkit.InMemoryIdempotencyStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PaymentApiFunctionTest {
    private static final String BODY = "{\"amount\":1250,\"currency\":\"EUR\",\"customerId\":\"cus_1\"}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicInteger charges = new AtomicInteger();
    private final SimulatedPaymentProcessor simulated =
            new SimulatedPaymentProcessor(Clock.fixed(Instant.parse("2025-06-03T10:00:00Z"), ZoneOffset.UTC));
    private PaymentProcessor processor = request -> {
        charges.incrementAndGet();
        return simulated.charge(request);
    };
    private final PaymentApiFunction function = new PaymentApiFunction(
            TestWiring.inMemory(new InMemoryIdempotencyStore(), null), request -> processor.charge(request));

    @Test
    void firstRequestCreatesThenRepeatReplaysWithMarker() throws Exception {
        APIGatewayProxyResponseEvent first = function.handleRequest(request("k-1", BODY), null);
        APIGatewayProxyResponseEvent second = function.handleRequest(request("k-1", BODY), null);

        assertEquals(201, first.getStatusCode());
        assertNull(first.getHeaders().get(PaymentApiFunction.REPLAYED_HEADER));
        assertEquals(201, second.getStatusCode());
        assertEquals("true", second.getHeaders().get(PaymentApiFunction.REPLAYED_HEADER));
        assertEquals(first.getBody(), second.getBody());
        assertEquals(first.getHeaders().get("Location"), second.getHeaders().get("Location"));
        assertEquals(1, charges.get());
        assertTrue(JSON.readTree(first.getBody()).path("id").asText().startsWith("pay_"));
    }

    @Test
    void differentKeysCreateDifferentPayments() throws Exception {
        String a = JSON.readTree(function.handleRequest(request("k-a", BODY), null).getBody()).path("id").asText();
        String b = JSON.readTree(function.handleRequest(request("k-b", BODY), null).getBody()).path("id").asText();
        assertNotEquals(a, b);
        assertEquals(2, charges.get());
    }

    @Test
    void headerNameIsCaseInsensitiveAndWhitespaceInBodyDoesNotMatter() {
        function.handleRequest(request("k-2", BODY), null);
        APIGatewayProxyRequestEvent lowerCase = request(null, "{ \"customerId\": \"cus_1\", \"amount\": 1250, "
                + "\"currency\": \"EUR\" }");
        lowerCase.getHeaders().put("idempotency-key", "k-2");
        APIGatewayProxyResponseEvent response = function.handleRequest(lowerCase, null);
        assertEquals(201, response.getStatusCode());
        assertEquals("true", response.getHeaders().get(PaymentApiFunction.REPLAYED_HEADER));
        assertEquals(1, charges.get());
    }

    @Test
    void missingKeyIs400Problem() throws Exception {
        APIGatewayProxyResponseEvent response = function.handleRequest(request(null, BODY), null);
        assertProblem(response, 400, "urn:lambda-idempotency:problem:idempotency-key-missing");
        assertEquals(0, charges.get());
    }

    @Test
    void keyReusedWithDifferentBodyIs422() throws Exception {
        function.handleRequest(request("k-3", BODY), null);
        APIGatewayProxyResponseEvent response = function.handleRequest(request("k-3", BODY.replace("1250", "9900")),
                null);
        assertProblem(response, 422, "urn:lambda-idempotency:problem:idempotency-key-reused");
        assertEquals(1, charges.get());
    }

    @Test
    void invalidBodyIs400AndDoesNotUseUpTheKey() throws Exception {
        assertProblem(function.handleRequest(request("k-4", "{not json"), null), 400,
                "urn:lambda-idempotency:problem:invalid-request");
        assertProblem(function.handleRequest(request("k-4", "{\"amount\":-5,\"currency\":\"EUR\","
                + "\"customerId\":\"c\"}"), null), 400, "urn:lambda-idempotency:problem:invalid-request");
        APIGatewayProxyResponseEvent corrected = function.handleRequest(request("k-4", BODY), null);
        assertEquals(201, corrected.getStatusCode());
        assertNull(corrected.getHeaders().get(PaymentApiFunction.REPLAYED_HEADER));
    }

    @Test
    void sameKeyWhileFirstIsInProgressIs409WithRetryAfter() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        processor = request -> {
            charges.incrementAndGet();
            entered.countDown();
            await(release);
            return simulated.charge(request);
        };
        CompletableFuture<APIGatewayProxyResponseEvent> first =
                CompletableFuture.supplyAsync(() -> function.handleRequest(request("k-5", BODY), null));
        assertTrue(entered.await(10, TimeUnit.SECONDS));

        APIGatewayProxyResponseEvent conflict = function.handleRequest(request("k-5", BODY), null);
        release.countDown();

        assertProblem(conflict, 409, "urn:lambda-idempotency:problem:request-in-progress");
        assertEquals(Integer.toString(PaymentApiFunction.RETRY_AFTER_SECONDS), conflict.getHeaders().get("Retry-After"));
        assertEquals(201, first.get(10, TimeUnit.SECONDS).getStatusCode());
        assertEquals("true", function.handleRequest(request("k-5", BODY), null).getHeaders()
                .get(PaymentApiFunction.REPLAYED_HEADER));
        assertEquals(1, charges.get());
    }

    @Test
    void processorFailureIs500WithoutStackTraceAndTheKeyCanBeRetried() throws Exception {
        processor = request -> {
            charges.incrementAndGet();
            throw new IllegalStateException("PSP timeout at com.example.Psp.charge(Psp.java:42)");
        };
        APIGatewayProxyResponseEvent failed = function.handleRequest(request("k-6", BODY), null);
        assertProblem(failed, 500, "urn:lambda-idempotency:problem:internal-error");
        assertFalse(failed.getBody().contains("Psp.java"));

        processor = request -> {
            charges.incrementAndGet();
            return simulated.charge(request);
        };
        APIGatewayProxyResponseEvent retried = function.handleRequest(request("k-6", BODY), null);
        assertEquals(201, retried.getStatusCode());
        assertNull(retried.getHeaders().get(PaymentApiFunction.REPLAYED_HEADER));
        assertEquals(2, charges.get());
    }

    @Test
    void base64EncodedBodyIsDecoded() {
        APIGatewayProxyRequestEvent event = request("k-7", Base64.getEncoder()
                .encodeToString(BODY.getBytes(StandardCharsets.UTF_8)));
        event.setIsBase64Encoded(true);
        assertEquals(201, function.handleRequest(event, null).getStatusCode());
    }

    @Test
    void aBase64EncodedRepeatOfAPlainRequestIsReplayed() {
        APIGatewayProxyResponseEvent first = function.handleRequest(request("k-8", BODY), null);
        APIGatewayProxyRequestEvent encoded = request("k-8", Base64.getEncoder()
                .encodeToString(BODY.getBytes(StandardCharsets.UTF_8)));
        encoded.setIsBase64Encoded(true);
        APIGatewayProxyResponseEvent repeat = function.handleRequest(encoded, null);
        assertEquals(201, repeat.getStatusCode(), repeat.getBody());
        assertEquals("true", repeat.getHeaders().get(PaymentApiFunction.REPLAYED_HEADER));
        assertEquals(first.getBody(), repeat.getBody());
        assertEquals(1, charges.get());
    }

    private static void assertProblem(APIGatewayProxyResponseEvent response, int status, String type)
            throws Exception {
        assertEquals(status, response.getStatusCode());
        assertEquals(Problem.MEDIA_TYPE, response.getHeaders().get("Content-Type"));
        JsonNode problem = JSON.readTree(response.getBody());
        assertEquals(type, problem.path("type").asText());
        assertEquals(status, problem.path("status").asInt());
        assertFalse(problem.path("title").asText().isBlank());
        assertFalse(response.getBody().contains("Exception"));
    }

    private static APIGatewayProxyRequestEvent request(String key, String body) {
        Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "application/json"));
        if (key != null) {
            headers.put(PaymentApiFunction.KEY_HEADER, key);
        }
        Map<String, List<String>> multi = new HashMap<>();
        headers.forEach((name, value) -> multi.put(name, List.of(value)));
        return new APIGatewayProxyRequestEvent().withHttpMethod("POST").withPath("/payments").withHeaders(headers)
                .withMultiValueHeaders(multi).withBody(body).withIsBase64Encoded(false);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
