package dev.lambdaidempotency.examples.payment;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem detail, sent as {@code application/problem+json}. Problem types are URNs: stable
 * identifiers clients can switch on, not links to documentation.
 *
 * @param type   {@code urn:lambda-idempotency:problem:<slug>}
 * @param title  short, the same for every occurrence of the type
 * @param status the HTTP status
 * @param detail this occurrence, safe to show to the client (never a stack trace)
 */
public record Problem(String type, String title, int status, String detail) {
    /** The media type of problem bodies. */
    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_PREFIX = "urn:lambda-idempotency:problem:";

    /**
     * A problem of type {@code urn:lambda-idempotency:problem:<slug>}.
     *
     * @param slug   the type's last segment, e.g. {@code idempotency-key-missing}
     * @param title  the type's title
     * @param status the HTTP status
     * @param detail this occurrence
     * @return the problem
     */
    public static Problem of(String slug, String title, int status, String detail) {
        return new Problem(TYPE_PREFIX + slug, title, status, detail);
    }

    /**
     * The HTTP response carrying this problem.
     *
     * @param mapper       serializes the body
     * @param extraHeaders added to {@code Content-Type}, e.g. {@code Retry-After}
     * @return the response
     */
    public APIGatewayProxyResponseEvent toResponse(ObjectMapper mapper, Map<String, String> extraHeaders) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", MEDIA_TYPE);
        headers.putAll(extraHeaders);
        String body;
        try {
            body = mapper.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem record always serializes", e);
        }
        return new APIGatewayProxyResponseEvent().withStatusCode(status).withHeaders(headers).withBody(body);
    }
}
