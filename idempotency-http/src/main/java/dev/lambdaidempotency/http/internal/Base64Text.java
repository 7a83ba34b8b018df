package dev.lambdaidempotency.http.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Base64 bodies (API Gateway, Function URLs, ALB) read as the core reads request bodies. */
final class Base64Text {
    private Base64Text() {
    }

    /**
     * Decodes strictly; only the line breaks of MIME encoders are ignored (they are never data).
     *
     * @param base64 the body
     * @return its bytes
     * @throws IllegalArgumentException when it is not base64
     */
    static byte[] decode(String base64) {
        return Base64.getDecoder().decode(base64.replace("\r", "").replace("\n", ""));
    }

    /**
     * @param bytes decoded bytes
     * @return them as UTF-8 text, or {@code null} when they are not UTF-8 (binary, compressed)
     */
    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notText) {
            return null;
        }
    }
}
