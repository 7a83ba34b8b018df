package dev.lambdaidempotency.http.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.Locale;

/**
 * The payload a repeat must match, handed to the core, which hashes it as canonical JSON: the body (base64 decoded;
 * a JSON object or array compared by value, so whitespace and member order do not matter; other text as itself;
 * bytes that are not UTF-8 by their bytes) and, when configured, the method, the path and the query parameters.
 * Immutable and thread-safe.
 */
public final class Fingerprint {
    private static final ObjectReader JSON = JsonMapper.builder().build().reader()
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final boolean methodAndPath;

    /**
     * @param methodAndPath whether the method and path are part of the fingerprint
     */
    public Fingerprint(boolean methodAndPath) {
        this.methodAndPath = methodAndPath;
    }

    /**
     * The fingerprint of {@code request}.
     *
     * @param request the request
     * @return a JSON tree (the core hashes its canonical form)
     * @throws IllegalArgumentException when the body is flagged base64 but is not
     */
    public JsonNode of(HttpRequest request) {
        ObjectNode fingerprint = JsonNodeFactory.instance.objectNode();
        if (methodAndPath) {
            fingerprint.put("method", request.method() == null ? null : request.method().toUpperCase(Locale.ROOT));
            fingerprint.put("path", request.path());
            if (!request.query().isEmpty()) { // POST /transfers?amount=100 and ?amount=1000 are different requests
                ObjectNode query = fingerprint.putObject("query");
                request.query().forEach((name, values) -> values.forEach(query.putArray(name)::add));
            }
        }
        String body = request.body();
        if (body != null && request.base64Encoded()) {
            byte[] bytes = Base64Text.decode(body);
            String text = Base64Text.utf8(bytes);
            if (text == null) {
                // distinct member name: bytes never equal a text body that happens to spell their base64
                fingerprint.put("binaryBody", Base64.getEncoder().encodeToString(bytes));
                return fingerprint;
            }
            body = text;
        }
        fingerprint.set("body", body == null || body.isEmpty() ? null : text(body));
        return fingerprint;
    }

    private static JsonNode text(String body) {
        String trimmed = body.strip();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            try {
                return JSON.readTree(body);
            } catch (JsonProcessingException notJson) {
                // compared as text
            }
        }
        return JsonNodeFactory.instance.textNode(body);
    }
}
