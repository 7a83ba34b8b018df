package dev.lambdaidempotency.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The tree edits behind {@code Redaction.drop} and {@code Redaction.mask}. */
class JsonRedactionTest {
    private static JsonValue json(String text) throws JsonText.MalformedJsonException {
        return JsonText.parse(text);
    }

    private static String text(JsonValue value) {
        return new String(JsonText.write(value), StandardCharsets.UTF_8);
    }

    @Test
    void dropsANestedMemberAndKeepsTheRestInOrder() throws Exception {
        JsonValue edited = JsonRedaction.drop("card.number").apply(json(
                "{\"id\":\"p-1\",\"card\":{\"number\":\"4242424242424242\",\"brand\":\"visa\"},\"amount\":12.50}"));
        assertEquals("{\"id\":\"p-1\",\"card\":{\"brand\":\"visa\"},\"amount\":12.50}", text(edited));
    }

    @Test
    void masksAnyNonNullValueAndLeavesNullAlone() throws Exception {
        assertEquals("{\"card\":{\"number\":\"****\",\"cvc\":\"****\"}}", text(JsonRedaction.mask("card.cvc", "****")
                .apply(JsonRedaction.mask("card.number", "****").apply(json(
                        "{\"card\":{\"number\":\"4242\",\"cvc\":123}}")))));
        JsonValue withNull = json("{\"card\":null}");
        assertSame(withNull, JsonRedaction.mask("card", "****").apply(withNull));
    }

    @Test
    void editsArrayElementsByIndex() throws Exception {
        assertEquals("{\"cards\":[{\"number\":\"x\"},{}]}", text(JsonRedaction.drop("cards[1].number").apply(
                JsonRedaction.mask("cards[0].number", "x").apply(json(
                        "{\"cards\":[{\"number\":\"1111\"},{\"number\":\"2222\"}]}")))));
        assertEquals("{\"cards\":[\"b\"]}", text(JsonRedaction.drop("cards[0]")
                .apply(json("{\"cards\":[\"a\",\"b\"]}"))));
    }

    @Test
    void reachesIntoAJsonBodyHeldAsAStringAndWritesItBackAsAString() throws Exception {
        JsonValue response = json("{\"statusCode\":201,\"body\":\"{\\\"card\\\":{\\\"number\\\":\\\"4242\\\"},"
                + "\\\"id\\\":\\\"p-1\\\"}\"}");
        JsonValue edited = JsonRedaction.mask("body.card.number", "****").apply(response);
        assertEquals("{\"card\":{\"number\":\"****\"},\"id\":\"p-1\"}", edited.get("body").text());
        assertEquals("201", text(edited.get("statusCode")));
    }

    @Test
    void reachesIntoABase64BodyAndEncodesItAgain() throws Exception {
        String body = Base64.getEncoder().encodeToString("{\"card\":\"4242\",\"id\":1}"
                .getBytes(StandardCharsets.UTF_8));
        JsonValue edited = JsonRedaction.drop("body.card").apply(json(
                "{\"isBase64Encoded\":true,\"body\":\"" + body + "\"}"));
        assertEquals("{\"id\":1}", new String(Base64.getDecoder().decode(edited.get("body").text()),
                StandardCharsets.UTF_8));
        assertEquals(JsonValue.TRUE, edited.get("isBase64Encoded"));
    }

    @Test
    void aPathThatFindsNothingReturnsTheSameTree() throws Exception {
        for (String document : new String[] {"{\"id\":1}", "{\"card\":7}", "{\"card\":\"not json\"}",
                "{\"card\":[1]}", "[1,2]", "\"text\"", "{\"card\":\"\\\"json string\\\"\"}"}) {
            JsonValue tree = json(document);
            assertSame(tree, JsonRedaction.drop("card.number").apply(tree), document);
        }
        JsonValue binary = json("{\"isBase64Encoded\":true,\"body\":\"" + Base64.getEncoder().encodeToString(
                new byte[] {(byte) 0xff, (byte) 0xfe}) + "\"}");
        assertSame(binary, JsonRedaction.drop("body.card").apply(binary));
    }

    @Test
    void theRootAndMalformedPathsAreRefused() {
        assertEquals("a redaction path must name a field below the root, was \"$\" (to store no result at all, "
                + "redact the whole result with a function)",
                assertThrows(IllegalArgumentException.class, () -> JsonRedaction.drop("$")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> JsonRedaction.mask("", "x"));
        assertThrows(IllegalArgumentException.class, () -> JsonRedaction.drop("card..number"));
        assertThrows(IllegalArgumentException.class, () -> JsonRedaction.drop("cards[-1]"));
    }

    @Test
    void headerNamesMatchCaseInsensitivelyAsInKeyPaths() throws Exception {
        assertEquals("{\"headers\":{\"Set-Cookie\":\"x\"}}", text(JsonRedaction.mask("headers.set-cookie", "x")
                .apply(json("{\"headers\":{\"Set-Cookie\":\"session=secret\"}}"))));
    }
}
