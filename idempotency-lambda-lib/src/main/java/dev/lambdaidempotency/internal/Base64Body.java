package dev.lambdaidempotency.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The {@code body} of an HTTP event that arrived base64-encoded: API Gateway REST and HTTP APIs, ALB, function URLs
 * and WebSocket APIs set {@code "isBase64Encoded": true} beside it. Decoding gives what the plain body would have
 * been: its text when the bytes are UTF-8 (then read like any body: JSON parsed, anything else as a string), else
 * the bytes themselves ({@link JsonValue.Bytes}).
 */
final class Base64Body {
    /** The member that holds the body. */
    static final String BODY = "body";
    /** The member that says the body is base64; named so in the event JSON and by Jackson for the events classes. */
    static final String FLAG = "isBase64Encoded";

    private Base64Body() {
    }

    /**
     * Whether {@code object} marks its {@code body} as base64.
     *
     * @param object the node holding the body
     * @return true when its flag is the JSON literal {@code true}
     */
    static boolean isMarked(JsonValue object) {
        return object.get(FLAG) == JsonValue.TRUE;
    }

    /**
     * {@link #isMarked(JsonValue)} on the map that becomes that object.
     *
     * @param object the map holding the body
     * @return whether the flag is {@code true}, or {@code null} when only its conversion can tell (a flag that is neither
     *         absent, {@code null}, a {@link Boolean}, a string nor a number, such as an {@code AtomicBoolean})
     */
    static Boolean isMarked(Map<?, ?> object) {
        Object flag = object.get(FLAG);
        if (flag == null || flag instanceof Boolean || flag instanceof String || flag instanceof Number) {
            return Boolean.TRUE.equals(flag);
        }
        return null;
    }

    /**
     * Decodes a marked body: standard alphabet, padding optional; line breaks (CR, LF), which MIME encoders and the
     * {@code base64} tool insert every 76 characters, are ignored; anything else outside the alphabet is an error.
     *
     * @param base64 the body as delivered
     * @return the decoded text as a string, or {@link JsonValue.Bytes} when the bytes are not UTF-8
     * @throws IllegalArgumentException when {@code base64} is not base64
     */
    static JsonValue decode(String base64) {
        byte[] bytes = Base64.getDecoder().decode(withoutLineBreaks(base64));
        try {
            // a fresh decoder reports malformed input instead of replacing it, as new String(bytes, UTF_8) would
            return JsonValue.of(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException notUtf8) {
            return new JsonValue.Bytes(bytes);
        }
    }

    private static String withoutLineBreaks(String base64) {
        if (base64.indexOf('\n') < 0 && base64.indexOf('\r') < 0) {
            return base64;
        }
        StringBuilder joined = new StringBuilder(base64.length());
        for (int i = 0; i < base64.length(); i++) {
            char c = base64.charAt(i);
            if (c != '\n' && c != '\r') {
                joined.append(c);
            }
        }
        return joined.toString();
    }
}
