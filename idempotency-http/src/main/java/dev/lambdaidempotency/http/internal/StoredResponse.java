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
        String text;
        try {
            text = Base64Text.utf8(Base64Text.decode(body));
        } catch (IllegalArgumentException notBase64) {
            return this;
        }
        return text == null ? this
                : new StoredResponse(statusCode, statusDescription, headers, multiValueHeaders, cookies, text, false);
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
