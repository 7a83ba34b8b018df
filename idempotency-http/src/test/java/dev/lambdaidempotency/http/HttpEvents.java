package dev.lambdaidempotency.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerRequestEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Request events of the three shapes, and problem assertions. */
final class HttpEvents {
    static final String BODY = "{\"amount\":1250,\"currency\":\"EUR\"}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpEvents() {
    }

    /** A REST API POST with the key in both header maps, as API Gateway sends it. */
    static APIGatewayProxyRequestEvent rest(String key, String body) {
        Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "application/json"));
        if (key != null) {
            headers.put("Idempotency-Key", key);
        }
        Map<String, List<String>> multi = new HashMap<>();
        headers.forEach((name, value) -> multi.put(name, List.of(value)));
        return new APIGatewayProxyRequestEvent().withHttpMethod("POST").withPath("/orders").withHeaders(headers)
                .withMultiValueHeaders(multi).withBody(body).withIsBase64Encoded(false);
    }

    /** An HTTP API (payload 2.0) POST: lower-case header names. */
    static APIGatewayV2HTTPEvent httpApi(String key, String body) {
        Map<String, String> headers = new HashMap<>(Map.of("content-type", "application/json"));
        if (key != null) {
            headers.put("idempotency-key", key);
        }
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRawPath("/orders");
        event.setHeaders(headers);
        event.setBody(body);
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setMethod("POST");
        http.setPath("/orders");
        context.setHttp(http);
        event.setRequestContext(context);
        return event;
    }

    /** An ALB POST, single-value headers (multiValue false) or multi-value headers only (true). */
    static ApplicationLoadBalancerRequestEvent alb(String key, String body, boolean multiValue) {
        Map<String, String> headers = new HashMap<>(Map.of("content-type", "application/json"));
        if (key != null) {
            headers.put("idempotency-key", key);
        }
        ApplicationLoadBalancerRequestEvent event = new ApplicationLoadBalancerRequestEvent();
        event.setHttpMethod("POST");
        event.setPath("/orders");
        if (multiValue) {
            Map<String, List<String>> multi = new HashMap<>();
            headers.forEach((name, value) -> multi.put(name, List.of(value)));
            event.setMultiValueHeaders(multi);
        } else {
            event.setHeaders(headers);
        }
        event.setBody(body);
        return event;
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Asserts an RFC 9457 body of {@code type} and {@code status}, with nothing of an exception in it. */
    static JsonNode assertProblem(int status, String type, int actualStatus, Map<String, String> headers,
            String body) {
        assertEquals(status, actualStatus, body);
        assertEquals(Problem.MEDIA_TYPE, headers.get("Content-Type"));
        JsonNode problem = parse(body);
        assertEquals(type, problem.path("type").asText(), body);
        assertEquals(status, problem.path("status").asInt());
        assertFalse(problem.path("title").asText().isBlank());
        assertFalse(body.contains("Exception") || body.contains(".java"), body);
        return problem;
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
