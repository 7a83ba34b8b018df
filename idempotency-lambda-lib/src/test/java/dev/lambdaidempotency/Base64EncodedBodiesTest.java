package dev.lambdaidempotency;

import static dev.lambdaidempotency.ClaimedKeys.claim;
import static dev.lambdaidempotency.ClaimedKeys.keys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdaidempotency.HttpEventShapes.Shape;
import dev.lambdaidempotency.IdempotencyKeyException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bodies delivered base64-encoded ({@code "isBase64Encoded": true}: API Gateway binary media types, {@code sam local
 * generate-event}) are keyed and validated as the same request's plain body is, in every shape a handler may take
 * the event in.
 */
class Base64EncodedBodiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORDER = "{\"orderId\": \"o-1\", \"amount\": 12.50, \"lines\": [{\"sku\": \"s-1\"}]}";
    private static final String CANONICAL_ORDER = "{\"amount\":12.5,\"lines\":[{\"sku\":\"s-1\"}],\"orderId\":\"o-1\"}";
    private static final String REORDERED = "{\n  \"lines\" : [ { \"sku\" : \"s-1\" } ],\n  \"amount\" : 1.250e1,\n"
            + "  \"orderId\" : \"o-1\"\n}\n";
    private static final String FORM = "orderId=o-1&amount=12.50";
    /** Starts like a PNG: 0x89 and 0xFF are not UTF-8 on their own. */
    private static final byte[] IMAGE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, (byte) 0xff};

    private static final UnaryOperator<IdempotencyConfig.Builder> HEADER_KEY_BODY_PAYLOAD =
            c -> c.keyHeader("Idempotency-Key").payloadPath("body");
    private static final UnaryOperator<IdempotencyConfig.Builder> BODY_KEY_BODY_PAYLOAD =
            c -> c.keyPath("body.orderId").payloadPath("body");

    private static String base64(String text) {
        return base64(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static String sha256(String canonical) throws Exception {
        return sha256(canonical.getBytes(StandardCharsets.UTF_8));
    }

    private static String unreadable(UnaryOperator<IdempotencyConfig.Builder> settings, Object event) {
        IdempotencyKeyException e = ClaimedKeys.keyError(settings, event);
        assertEquals(Reason.UNREADABLE_EVENT, e.reason());
        return e.getMessage();
    }

    private static JsonNode asJson(Object event) throws JsonProcessingException {
        return event instanceof String text ? JSON.readTree(text) : JSON.valueToTree(event);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lambdaidempotency.HttpEventShapes#all")
    void plainAndBase64FormsOfTheSameJsonShareRecordIdAndPayloadHash(Shape shape) throws Exception {
        Object encoded = shape.event(base64(ORDER), true);
        assertTrue(asJson(encoded).get("isBase64Encoded").booleanValue(),
                "Jackson names the flag isBase64Encoded for this shape, as the event JSON does");
        String expected = "fn#" + sha256("\"k-1\"") + " " + sha256(CANONICAL_ORDER);
        assertEquals(expected, keys(HEADER_KEY_BODY_PAYLOAD, shape.event(ORDER, false)), "plain");
        assertEquals(expected, keys(HEADER_KEY_BODY_PAYLOAD, encoded), "base64");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lambdaidempotency.HttpEventShapes#all")
    void memberOrderAndWhitespaceInsideABase64BodyDoNotMatter(Shape shape) {
        assertEquals(keys(HEADER_KEY_BODY_PAYLOAD, shape.event(base64(ORDER), true)),
                keys(HEADER_KEY_BODY_PAYLOAD, shape.event(base64(REORDERED), true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lambdaidempotency.HttpEventShapes#all")
    void aKeyInsideABase64BodyIsFound(Shape shape) throws Exception {
        String expected = "fn#" + sha256("\"o-1\"") + " " + sha256(CANONICAL_ORDER);
        assertEquals(expected, keys(BODY_KEY_BODY_PAYLOAD, shape.event(base64(ORDER), true)));
        assertEquals(expected, keys(BODY_KEY_BODY_PAYLOAD, shape.event(base64(REORDERED), true)));
        assertEquals(expected, keys(BODY_KEY_BODY_PAYLOAD, shape.event(ORDER, false)), "the plain form");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lambdaidempotency.HttpEventShapes#all")
    void aChangedBase64BodyIsStillAMismatch(Shape shape) {
        String changed = ORDER.replace("12.50", "12.51");
        String original = claim(HEADER_KEY_BODY_PAYLOAD, shape.event(ORDER, false)).payloadHash();
        String changedHash = claim(HEADER_KEY_BODY_PAYLOAD, shape.event(base64(changed), true)).payloadHash();
        assertNotEquals(original, changedHash);
        assertEquals(claim(HEADER_KEY_BODY_PAYLOAD, shape.event(changed, false)).payloadHash(), changedHash,
                "the change is the same change in either form");
        assertNotEquals(original, claim(BODY_KEY_BODY_PAYLOAD, shape.event(base64(changed), true)).payloadHash());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lambdaidempotency.HttpEventShapes#all")
    void aBase64BodyThatIsNotJsonIsComparedAsItsText(Shape shape) throws Exception {
        String expected = "fn#" + sha256("\"k-1\"") + " " + sha256("\"" + FORM + "\"");
        assertEquals(expected, keys(HEADER_KEY_BODY_PAYLOAD, shape.event(base64(FORM), true)));
        assertEquals(expected, keys(HEADER_KEY_BODY_PAYLOAD, shape.event(FORM, false)), "the plain form");
        assertEquals("cannot read the idempotency key at body.orderId: $.body is a base64-encoded body whose text "
                + "is not valid JSON", unreadable(BODY_KEY_BODY_PAYLOAD, shape.event(base64(FORM), true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lambdaidempotency.HttpEventShapes#all")
    void aBinaryBodyIsComparedByItsBytes(Shape shape) throws Exception {
        assertEquals("fn#" + sha256("\"k-1\"") + " " + sha256(IMAGE),
                keys(HEADER_KEY_BODY_PAYLOAD, shape.event(base64(IMAGE), true)));
        byte[] otherImage = IMAGE.clone();
        otherImage[9] = 1;
        assertNotEquals(claim(HEADER_KEY_BODY_PAYLOAD, shape.event(base64(IMAGE), true)).payloadHash(),
                claim(HEADER_KEY_BODY_PAYLOAD, shape.event(base64(otherImage), true)).payloadHash());
        assertEquals("fn#" + sha256(IMAGE) + " null", keys(c -> c.keyPath("body"), shape.event(base64(IMAGE), true)),
                "a binary body as the key");
        assertEquals("cannot read the idempotency key at body.orderId: $.body is a base64-encoded body whose bytes "
                + "are not UTF-8 text, so nothing can be selected inside it",
                unreadable(BODY_KEY_BODY_PAYLOAD, shape.event(base64(IMAGE), true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lambdaidempotency.HttpEventShapes#all")
    void aBodyMarkedBase64ThatIsNotBase64IsUnreadable(Shape shape) {
        String notBase64 = "{\"orderId\":\"o-1\"}";
        assertEquals("cannot read the validated payload at body: $.body is marked isBase64Encoded but is not valid "
                + "base64", unreadable(HEADER_KEY_BODY_PAYLOAD, shape.event(notBase64, true)));
        assertEquals("cannot read the idempotency key at body.orderId: $.body is marked isBase64Encoded but is not "
                + "valid base64", unreadable(BODY_KEY_BODY_PAYLOAD, shape.event(notBase64, true)));
        assertEquals("cannot read the idempotency key at body: $.body is marked isBase64Encoded but is not valid "
                + "base64", unreadable(c -> c.keyPath("body"), shape.event("a-b_", true)),
                "the URL-safe alphabet is not the one API Gateway uses");
    }
}
