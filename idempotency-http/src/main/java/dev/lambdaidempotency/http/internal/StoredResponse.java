package dev.lambdaidempotency.http.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recorded form of an HTTP response, the same for every event shape: what a replay sends back. Large bodies are
 * offloaded by the core like any result.
 *
 * @param statusCode        100-599
 * @param statusDescription ALB's status line ({@code "201 Created"}), or {@code null}
 * @param headers           single-value headers, or {@code null}
 * @param multiValueHeaders multi-value headers, or {@code null}
 * @param cookies           API Gateway v2 {@code Set-Cookie} values, or {@code null}
 * @param body              the body, or {@code null}
 * @param base64Encoded     whether {@code body} is base64
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoredResponse(int statusCode, String statusDescription, Map<String, String> headers,
        Map<String, List<String>> multiValueHeaders, List<String> cookies, String body, boolean base64Encoded) {

    /**
     * This response with one more header, in each header map it uses (a new instance; the maps are copied).
     *
     * @param name  the header name
     * @param value its value
     * @return the new response
     */
    public StoredResponse withHeader(String name, String value) {
        Map<String, String> single = headers;
        Map<String, List<String>> multi = multiValueHeaders;
        if (single != null || multi == null) {
            single = single == null ? new LinkedHashMap<>() : new LinkedHashMap<>(single);
            single.put(name, value);
        }
        if (multi != null) {
            multi = new LinkedHashMap<>(multi);
            multi.put(name, new ArrayList<>(List.of(value)));
        }
        return new StoredResponse(statusCode, statusDescription, single, multi, cookies, body, base64Encoded);
    }

    /**
     * This response with a base64 body that is UTF-8 text turned into that text (so that paths can reach into it);
     * any other response as it is.
     *
     * @return the response with a plain body, or this one
     */
    public StoredResponse withTextBody() {
        if (!base64Encoded || body == null) {
            return this;
        }
        try {
            // strict, as the core reads request bodies: only the line breaks of MIME encoders are ignored
            byte[] bytes = java.util.Base64.getDecoder().decode(body.replace("\r", "").replace("\n", ""));
            String text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            return new StoredResponse(statusCode, statusDescription, headers, multiValueHeaders, cookies, text, false);
        } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException binary) {
            return this;
        }
    }

    /** Mutable copies for the event classes, which users may change after we return them. */
    Map<String, String> headersCopy() {
        return headers == null ? null : new LinkedHashMap<>(headers);
    }

    Map<String, List<String>> multiValueHeadersCopy() {
        if (multiValueHeaders == null) {
            return null;
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        multiValueHeaders.forEach((name, values) -> copy.put(name, values == null ? null : new ArrayList<>(values)));
        return copy;
    }

    List<String> cookiesCopy() {
        return cookies == null ? null : new ArrayList<>(cookies);
    }
}
