package dev.lambdaidempotency.it.support;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Events shaped as the Lambda Java runtime hands them to a {@code RequestHandler<Map<String, Object>, ?>}. */
public final class Events {
    private Events() {
    }

    /**
     * An API Gateway (REST, proxy integration) event: the key in a header, the JSON body as a string, and the parts
     * that differ on every retry (request id, time).
     *
     * @param idempotencyKey the {@code Idempotency-Key} header value, or {@code null} for none
     * @param body           the raw body
     * @return the event
     */
    public static Map<String, Object> apiGateway(String idempotencyKey, String body) {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        if (idempotencyKey != null) {
            headers.put("Idempotency-Key", idempotencyKey);
        }
        Map<String, Object> multiValueHeaders = new LinkedHashMap<>();
        headers.forEach((name, value) -> multiValueHeaders.put(name, List.of(value)));
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("resource", "/orders");
        event.put("path", "/orders");
        event.put("httpMethod", "POST");
        event.put("headers", headers);
        event.put("multiValueHeaders", multiValueHeaders);
        event.put("requestContext", Map.of("requestId", UUID.randomUUID().toString(),
                "requestTimeEpoch", System.nanoTime()));
        event.put("body", body);
        event.put("isBase64Encoded", false);
        return event;
    }

    /**
     * The same event with its body base64-encoded, as API Gateway sends binary media types (and {@code sam local
     * generate-event} every body).
     *
     * @param event an {@link #apiGateway} event
     * @return a copy with the body encoded and {@code isBase64Encoded: true}
     */
    public static Map<String, Object> base64Encoded(Map<String, Object> event) {
        Map<String, Object> copy = new LinkedHashMap<>(event);
        copy.put("body", Base64.getEncoder().encodeToString(
                event.get("body").toString().getBytes(StandardCharsets.UTF_8)));
        copy.put("isBase64Encoded", true);
        return copy;
    }

    /**
     * The same event with header names in another case (as HTTP/2 clients send them).
     *
     * @param event an {@link #apiGateway} event
     * @return a copy with lowercase header names
     */
    public static Map<String, Object> withLowercaseHeaders(Map<String, Object> event) {
        Map<String, Object> copy = new LinkedHashMap<>(event);
        for (String part : List.of("headers", "multiValueHeaders")) {
            Map<?, ?> original = (Map<?, ?>) event.get(part);
            Map<String, Object> lower = new LinkedHashMap<>();
            original.forEach((k, v) -> lower.put(k.toString().toLowerCase(java.util.Locale.ROOT), v));
            copy.put(part, lower);
        }
        return copy;
    }

    /**
     * A direct-invocation event: {@code {"orderId": id, ...}}.
     *
     * @param orderId    the key
     * @param attributes more members, as name/value pairs
     * @return the event
     */
    public static Map<String, Object> order(String orderId, Object... attributes) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("orderId", orderId);
        for (int i = 0; i + 1 < attributes.length; i += 2) {
            event.put(attributes[i].toString(), attributes[i + 1]);
        }
        return event;
    }
}
