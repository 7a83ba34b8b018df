package dev.lambdaidempotency.http.internal;

import java.util.List;
import java.util.Map;

/**
 * What the adapter reads from a request, whatever its event shape.
 *
 * @param method            the HTTP method, or {@code null}
 * @param path              the request path, or {@code null}
 * @param headers           single-value headers (API Gateway v2 joins repeated lines with commas), or {@code null}
 * @param multiValueHeaders every header line (REST, ALB in multi-value mode), or {@code null}
 * @param body              the body as the event carries it, or {@code null}
 * @param base64Encoded     whether {@code body} is base64
 */
public record HttpRequest(String method, String path, Map<String, String> headers,
        Map<String, List<String>> multiValueHeaders, String body, boolean base64Encoded) {
}
