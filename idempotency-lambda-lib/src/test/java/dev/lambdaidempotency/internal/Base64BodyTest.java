package dev.lambdaidempotency.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Decoding a body marked {@code isBase64Encoded}: what is accepted, and what text versus binary means. */
class Base64BodyTest {
    private static final String JSON = "{\"orderId\":\"o-1\",\"note\":\"" + "caf\u00e9 \u2603 \ud83d\ude00 ".repeat(20)
            + "\"}";

    private static String encode(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Test
    void utf8BytesDecodeToTheirText() {
        assertEquals(JsonValue.of(JSON), Base64Body.decode(encode(JSON.getBytes(StandardCharsets.UTF_8))));
        assertEquals(JsonValue.of(""), Base64Body.decode(""), "an empty body is empty text, as a plain one");
    }

    @Test
    void lineBreaksAsMimeEncodersAndTheBase64ToolInsertThemAreIgnored() {
        byte[] bytes = JSON.getBytes(StandardCharsets.UTF_8);
        String mime = Base64.getMimeEncoder().encodeToString(bytes);
        assertTrue(mime.contains("\r\n"), "a body long enough to be wrapped");
        assertEquals(JsonValue.of(JSON), Base64Body.decode(mime));
        assertEquals(JsonValue.of(JSON), Base64Body.decode(mime.replace("\r\n", "\n") + "\n"));
    }

    @Test
    void paddingIsOptional() {
        assertEquals(JsonValue.of("ab"), Base64Body.decode("YWI="));
        assertEquals(JsonValue.of("ab"), Base64Body.decode("YWI"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"orderId\":\"o-1\"}", "YW Jj", "YWJj\t", "-_-_", "YWJjZA=x", "Y", "YWJj===="})
    void anythingElseIsNotBase64(String text) {
        assertThrows(IllegalArgumentException.class, () -> Base64Body.decode(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "iVBORw0KGgo=",  // PNG signature: 0x89 cannot start a UTF-8 sequence
        "/w==",          // 0xFF never occurs in UTF-8
        "wK8=",          // C0 AF: an overlong encoding of '/'
        "7aCA",          // ED A0 80: a UTF-16 surrogate encoded as UTF-8 (CESU-8)
        "4oI="})         // E2 82: a truncated three-byte sequence
    void bytesThatAreNotUtf8AreBinary(String base64) throws Exception {
        JsonValue decoded = Base64Body.decode(base64);
        assertArrayEquals(Base64.getDecoder().decode(base64), assertInstanceOf(JsonValue.Bytes.class, decoded)
                .bytes());
    }

    @Test
    void onlyTheJsonLiteralTrueMarksABody() throws Exception {
        assertTrue(Base64Body.isMarked(JsonText.parse("{\"isBase64Encoded\":true}")));
        for (String json : new String[] {"{\"isBase64Encoded\":false}", "{\"isBase64Encoded\":\"true\"}",
            "{\"isBase64Encoded\":1}", "{\"isBase64Encoded\":null}", "{}", "{\"IsBase64Encoded\":true}"}) {
            assertFalse(Base64Body.isMarked(JsonText.parse(json)), json);
        }
    }

    @Test
    void aMapFlagIsReadAsJacksonWouldWriteIt() {
        Map<String, Object> event = new HashMap<>();
        assertEquals(false, Base64Body.isMarked(event));
        event.put("isBase64Encoded", true);
        assertEquals(true, Base64Body.isMarked(event));
        for (Object notTrue : new Object[] {false, "true", 1, null}) {
            event.put("isBase64Encoded", notTrue);
            assertEquals(false, Base64Body.isMarked(event), String.valueOf(notTrue));
        }
        event.put("isBase64Encoded", new AtomicBoolean(true));
        assertNull(Base64Body.isMarked(event), "only Jackson can tell");
    }
}
