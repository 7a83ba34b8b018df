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
 * @param query             the query parameters, names sorted, each with its values in order (empty for none)
 */
public record HttpRequest(String method, String path, Map<String, String> headers,
        Map<String, List<String>> multiValueHeaders, String body, boolean base64Encoded,
        Map<String, List<String>> query) {

    /**
     * Normalises the query: a sorted, immutable copy.
     *
     * @param method see the record description
     * @param path see the record description
     * @param headers see the record description
     * @param multiValueHeaders see the record description
     * @param body see the record description
     * @param base64Encoded see the record description
     * @param query see the record description
     */
    public HttpRequest {
        query = query == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(query));
    }

    /**
     * A request without query parameters.
     *
     * @param method            see the record description
     * @param path              see the record description
     * @param headers           see the record description
     * @param multiValueHeaders see the record description
     * @param body              see the record description
     * @param base64Encoded     see the record description
     */
    public HttpRequest(String method, String path, Map<String, String> headers,
            Map<String, List<String>> multiValueHeaders, String body, boolean base64Encoded) {
        this(method, path, headers, multiValueHeaders, body, base64Encoded, Map.of());
    }

    /**
     * Query parameters from the single- and multi-value maps of payload format 1.0 and ALB (the multi-value map
     * wins when both are present).
     *
     * @param single the single-value map, or {@code null}
     * @param multi  the multi-value map, or {@code null}
     * @return the parameters
     */
    public static Map<String, List<String>> query(Map<String, String> single, Map<String, List<String>> multi) {
        Map<String, List<String>> query = new java.util.TreeMap<>();
        if (multi != null && !multi.isEmpty()) {
            multi.forEach((name, values) -> query.put(name, values == null ? List.of() : List.copyOf(
                    values.stream().map(v -> v == null ? "" : v).toList())));
        } else if (single != null) {
            single.forEach((name, value) -> query.put(name, List.of(value == null ? "" : value)));
        }
        return query;
    }

    /**
     * Query parameters from payload format 2.0's raw query string (names and values kept as sent, encoded).
     *
     * @param raw the raw query string, or {@code null}
     * @return the parameters
     */
    public static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> query = new java.util.TreeMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            query.computeIfAbsent(name, n -> new java.util.ArrayList<>()).add(value);
        }
        return query;
    }
}
