package dev.lambdaidempotency.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The events the tier sends: the repository's {@code events/} and the ones {@code sam local generate-event} wrote to
 * {@code events/sam/} (scripts/generate-sam-events.sh), changed only where a real client would differ (its own
 * Idempotency-Key, its own body, its own message ids), the way API Gateway and SQS would deliver them.
 */
final class SampleEvents {
    private final ObjectMapper json = new ObjectMapper();
    private final Path events;

    SampleEvents(Path repositoryRoot) {
        this.events = repositoryRoot.resolve("events");
    }

    /** events/payment-request.json (a plain JSON body) with {@code key} as its Idempotency-Key. */
    ObjectNode plainPayment(String key) {
        ObjectNode event = read("payment-request.json");
        return withKey(event, key);
    }

    /** The API Gateway proxy event SAM generates (base64 body, {@code isBase64Encoded: true}) with {@code key}. */
    ObjectNode base64Payment(String key) {
        ObjectNode event = read("sam/apigateway-aws-proxy-payment.json");
        if (!event.path("isBase64Encoded").asBoolean()) {
            throw new IllegalStateException("sam local generate-event no longer base64-encodes the body: update the "
                    + "tier's plain/base64 scenario");
        }
        return withKey(event, key);
    }

    /** {@code event} with its body replaced by {@code body}, base64-encoded when the event says so. */
    static ObjectNode withBody(ObjectNode event, String body) {
        ObjectNode copy = event.deepCopy();
        copy.put("body", copy.path("isBase64Encoded").asBoolean()
                ? Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) : body);
        return copy;
    }

    /** The body of {@code event} as the client sent it (base64 decoded). */
    static String body(JsonNode event) {
        String body = event.path("body").asText();
        return event.path("isBase64Encoded").asBoolean()
                ? new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8) : body;
    }

    /** {@code event} without an Idempotency-Key, in either header map. */
    static ObjectNode withoutKey(ObjectNode event) {
        ObjectNode copy = event.deepCopy();
        ((ObjectNode) copy.path("headers")).remove("Idempotency-Key");
        if (copy.path("multiValueHeaders").isObject()) {
            ((ObjectNode) copy.path("multiValueHeaders")).remove("Idempotency-Key");
        }
        return copy;
    }

    /**
     * The SQS event SAM generates, one record per body, each with its own message id as SQS would assign.
     *
     * @param bodies the message bodies, in delivery order
     */
    ObjectNode sqsBatch(List<String> bodies) {
        ObjectNode generated = read("sam/sqs-receive-message.json");
        JsonNode template = generated.path("Records").path(0);
        ArrayNode records = json.createArrayNode();
        for (String body : bodies) {
            ObjectNode record = template.deepCopy();
            record.put("messageId", UUID.randomUUID().toString());
            record.put("body", body);
            records.add(record);
        }
        ObjectNode event = json.createObjectNode();
        event.set("Records", records);
        return event;
    }

    /** events/report-request.json with its own request id. */
    ObjectNode reportRequest(String requestId) {
        ObjectNode event = read("report-request.json");
        event.put("requestId", requestId);
        return event;
    }

    /**
     * {@code POST /reports} as API Gateway's REST API delivers it (the SAM-generated proxy event, re-pathed) with
     * events/report-request.json as a plain JSON body under its own request id, and {@code key} as its
     * Idempotency-Key.
     */
    ObjectNode reportApiRequest(String key, String requestId) {
        ObjectNode event = read("sam/apigateway-aws-proxy-payment.json");
        event.put("resource", "/reports").put("path", "/reports").put("httpMethod", "POST");
        ((ObjectNode) event.path("requestContext")).put("resourcePath", "/reports").put("path", "/prod/reports")
                .put("httpMethod", "POST");
        ((ObjectNode) event.path("headers")).put("Content-Type", "application/json");
        ((ObjectNode) event.path("multiValueHeaders")).putArray("Content-Type").add("application/json");
        event.put("isBase64Encoded", false);
        event.put("body", text(reportRequest(requestId)));
        return withKey(event, key);
    }

    String text(JsonNode event) {
        try {
            return json.writeValueAsString(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    private ObjectNode withKey(ObjectNode event, String key) {
        ((ObjectNode) event.path("headers")).put("Idempotency-Key", key);
        if (event.path("multiValueHeaders").isObject()) {
            ((ObjectNode) event.path("multiValueHeaders")).putArray("Idempotency-Key").add(key);
        }
        return event;
    }

    private ObjectNode read(String name) {
        Path file = events.resolve(name);
        try {
            return (ObjectNode) json.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
