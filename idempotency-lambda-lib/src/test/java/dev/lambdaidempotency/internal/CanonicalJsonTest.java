package dev.lambdaidempotency.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static String hash(String json) {
        try {
            return CanonicalJson.sha256(JsonText.parse(json)).hex();
        } catch (JsonText.MalformedJsonException e) {
            throw new AssertionError("bad test JSON: " + json, e);
        }
    }

    private static String hash(JsonNode node) {
        return CanonicalJson.sha256(DatabindTrees.toValue(node)).hex();
    }

    private static String hashAsDoubles(String json) {
        try {
            return CanonicalJson.sha256(DatabindTrees.toValue(MAPPER.readTree(json))).hex();
        } catch (JsonProcessingException e) {
            throw new AssertionError("bad test JSON: " + json, e);
        }
    }

    private static String sha256Hex(String canonicalText) {
        return CanonicalJson.sha256(canonicalText.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void hashIsTheSha256OfTheCanonicalText() {
        assertEquals(sha256Hex("{\"a\":[1,true,null],\"b\":\"x\"}"),
                hash(" { \"b\" : \"x\" ,\n\t\"a\" : [ 1 , true , null ] } "));
        assertEquals(sha256Hex("{}"), hash("{ }"));
        assertEquals(sha256Hex("[]"), hash("[\n]"));
        assertEquals(sha256Hex("\"\""), hash("\"\""));
        assertEquals(sha256Hex("null"), hash("null"));
    }

    @Test
    void lengthCountsTheCanonicalUtf8Bytes() {
        CanonicalJson.Digest digest = CanonicalJson.sha256(JsonValue.of("é€😀"));
        // quotes (2) + é (2) + € (3) + U+1F600 (4)
        assertEquals(11, digest.length());
        assertEquals(sha256Hex("\"é€😀\""), digest.hex());
    }

    @Test
    void memberOrderAndWhitespaceDoNotMatter() {
        String a = hash("{\"id\":\"o-1\",\"amount\":{\"value\":12,\"currency\":\"EUR\"},\"items\":[{\"sku\":\"a\",\"n\":1}]}");
        String b = hash("""
                {
                  "items" : [ { "n" : 1, "sku" : "a" } ],
                  "amount": {"currency":"EUR",   "value":12},
                  "id":"o-1"
                }
                """);
        assertEquals(a, b);
    }

    @Test
    void membersAreSortedByUtf16CodeUnitsAtEveryDepth() {
        assertEquals(sha256Hex("{\"A\":1,\"a\":2,\"b\":{\"Z\":0,\"z\":[{\"x\":1,\"y\":2}]}}"),
                hash("{\"b\":{\"z\":[{\"y\":2,\"x\":1}],\"Z\":0},\"a\":2,\"A\":1}"));
    }

    @Test
    void differentValuesHashDifferently() {
        String base = hash("{\"id\":\"o-1\",\"qty\":1}");
        assertNotEquals(base, hash("{\"id\":\"o-2\",\"qty\":1}"));
        assertNotEquals(base, hash("{\"id\":\"o-1\",\"qty\":2}"));
        assertNotEquals(base, hash("{\"id\":\"o-1\",\"qty\":1,\"extra\":null}"));
        assertNotEquals(base, hash("{\"id\":\"o-1\"}"));
        assertNotEquals(base, hash("{\"ID\":\"o-1\",\"qty\":1}"));
    }

    @Test
    void arrayOrderMatters() {
        assertNotEquals(hash("[1,2]"), hash("[2,1]"));
        assertNotEquals(hash("[[1],[2]]"), hash("[[2],[1]]"));
        assertNotEquals(hash("[[1,2]]"), hash("[[1],[2]]"));
        assertNotEquals(hash("[]"), hash("[null]"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "1e0", "1E0", "1.000", "10e-1", "0.1e1", "1E+0"})
    void numbersCompareByValue(String spelling) {
        assertEquals(hash("1"), hash(spelling));
        assertEquals(hash("1"), hashAsDoubles(spelling), "read as double");
        assertEquals(hash("{\"n\":1}"), hash("{\"n\":" + spelling + "}"));
    }

    @ParameterizedTest
    @CsvSource({
        "0, -0", "0, 0.0", "0, -0.0", "0, 0e10",
        "100, 1e2", "100, 100.00", "-5, -5.0", "0.5, 5e-1", "0.5, 0.50",
        "1000000000000000000, 1e18",
        "9223372036854775807, 9223372036854775807.0",
        "9223372036854775808, 9223372036854775808.0",
        "100000000000000000000, 1e20",
        "123456789012345678901234567890, 1.2345678901234567890123456789e29"})
    void equalNumbersInAnySpellingHashTheSame(String a, String b) {
        assertEquals(hash(a), hash(b));
    }

    @Test
    void numberCanonicalTextIsPinned() {
        assertEquals(sha256Hex("1"), hash("1.0"));
        assertEquals(sha256Hex("0"), hash("-0.0"));
        assertEquals(sha256Hex("100"), hash("1e2"));
        assertEquals(sha256Hex("0.5"), hash("5e-1"));
        assertEquals(sha256Hex("-12.25"), hash("-12.250"));
        assertEquals(sha256Hex("9223372036854775807"), hash("9223372036854775807"));
        assertEquals(sha256Hex("1E+20"), hash("100000000000000000000"));
    }

    @Test
    void numbersFromEveryNodeTypeAgree() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        String one = hash(f.numberNode(1));
        assertEquals(one, hash(f.numberNode(1L)));
        assertEquals(one, hash(f.numberNode((short) 1)));
        assertEquals(one, hash(f.numberNode(1.0d)));
        assertEquals(one, hash(f.numberNode(1.0f)));
        assertEquals(one, hash(f.numberNode(new BigDecimal("1.000"))));
        assertEquals(one, hash(f.numberNode(BigInteger.ONE)));
        assertEquals(hash(f.numberNode(0.1d)), hash(f.numberNode(new BigDecimal("0.1"))));
        // the same numbers as the library's own values (converted from objects, read from text)
        assertEquals(one, CanonicalJson.sha256(EventTrees.DEFAULT.apply(1.0f)).hex());
        assertEquals(one, CanonicalJson.sha256(EventTrees.DEFAULT.apply(BigInteger.ONE)).hex());
        assertEquals(one, hash("1.000"));
    }

    @Test
    void numbersAreExactWhenReadAsDecimals() {
        // beyond double precision: distinct values must stay distinct when read exactly
        assertNotEquals(hash("0.10000000000000000001"), hash("0.1"));
        assertNotEquals(hash("9007199254740993"), hash("9007199254740992"));
        assertNotEquals(hash("1"), hash("1.0000001"));
    }

    @Test
    void aNumberNeverEqualsAString() {
        assertNotEquals(hash("1"), hash("\"1\""));
        assertNotEquals(hash("{\"n\":1}"), hash("{\"n\":\"1\"}"));
        assertNotEquals(hash("true"), hash("\"true\""));
        assertNotEquals(hash("null"), hash("\"null\""));
        assertNotEquals(hash("[1]"), hash("\"[1]\""));
        assertNotEquals(hash("{}"), hash("\"{}\""));
    }

    @Test
    void scalarsOfDifferentTypesDiffer() {
        assertNotEquals(hash("true"), hash("false"));
        assertNotEquals(hash("0"), hash("false"));
        assertNotEquals(hash("0"), hash("null"));
        assertNotEquals(hash("\"\""), hash("null"));
        assertNotEquals(hash("[]"), hash("{}"));
    }

    @Test
    void unicodeIsHashedAsUtf8WhateverItsSpelling() {
        // escaped and literal spellings of the same characters are the same string
        assertEquals(hash("\"caf\u00e9 \u20ac \ud83d\ude00\""), hash("\"caf\\u00e9 \\u20AC \\ud83d\\ude00\""));
        assertEquals(sha256Hex("{\"clé\":\"😀\"}"), hash("{\"cl\\u00e9\":\"\\ud83d\\ude00\"}"));
        // but composed and decomposed forms are different strings (no normalization)
        assertNotEquals(hash("\"\u00e9\""), hash("\"e\u0301\""));
    }

    @Test
    void unicodeMembersSortByUtf16CodeUnits() {
        // U+FF21 (one unit, 0xFF21) sorts after U+1F600 (surrogates 0xD83D 0xDE00) in UTF-16 order,
        // even though its code point is smaller
        assertEquals(sha256Hex("{\"😀\":1,\"Ａ\":2}"), hash("{\"\\uff21\":2,\"\\ud83d\\ude00\":1}"));
    }

    @Test
    void controlCharactersAreEscapedCanonically() {
        assertEquals(sha256Hex("\"a\\nb\\tc\\rd\\be\\ff\""), hash("\"a\\u000ab\\u0009c\\u000Dd\\u0008e\\u000cf\""));
        assertEquals(sha256Hex("\"\\u0000\\u001f\\u0001\""), hash("\"\\u0000\\u001F\\u0001\""));
        assertEquals(sha256Hex("\"q\\\"b\\\\s/\""), hash("\"q\\\"b\\\\s\\/\""));
        assertEquals(sha256Hex("\"\u007f\""), hash("\"\\u007f\""));
        assertNotEquals(hash("\"a\\nb\""), hash("\"a\\\\nb\""));
        assertNotEquals(hash("\"\\u0000\""), hash("\"\""));
    }

    @Test
    void loneSurrogatesDoNotCollideWithOtherStrings() {
        // a JSON text may spell a lone surrogate; it is a different string from "?" and from its neighbours
        String lone = hash("\"\\ud800\"");
        assertNotEquals(hash("\"?\""), lone);
        assertNotEquals(hash("\"\\ud801\""), lone);
        assertNotEquals(hash("\"\\udc00\""), lone);
        assertNotEquals(hash("\"a?b\""), hash("\"a\\udfffb\""));
        assertEquals(lone, hash("\"\\uD800\""));
        // pinned: the lone surrogate is spelled as a JSON escape; a valid pair stays UTF-8
        assertEquals(sha256Hex("\"a\\ud800b\\udc00\""), hash("\"a\\ud800b\\udc00\""));
        assertEquals(sha256Hex("\"\ud800\udc00\""), hash("\"\\ud800\\udc00\""));
    }

    @Test
    void nestedArraysAndObjects() {
        String deep = "[[[[{\"a\":[[],[{}],[[null]]]}]]]]";
        assertEquals(sha256Hex(deep), hash(deep.replace(",", " , ").replace("[", "[ ")));
        assertNotEquals(hash(deep), hash("[[[[{\"a\":[[],[{}],[[]]]}]]]]"));
        assertNotEquals(hash(deep), hash("[[[{\"a\":[[],[{}],[[null]]]}]]]"));
    }

    @Test
    void aValueTreeFromObjectsHashesLikeItsJsonText() {
        JsonNode fromMap = MAPPER.valueToTree(Map.of("b", 2.0, "a", Map.of("y", "é", "x", true)));
        String expected = hash("{\"a\":{\"x\":true,\"y\":\"\\u00e9\"},\"b\":2}");
        assertEquals(expected, hash(fromMap));
        assertEquals(expected, CanonicalJson.sha256(EventTrees.DEFAULT.apply(Map.of("b", 2.0, "a",
                Map.of("y", "é", "x", true)))).hex());
    }

    @Test
    void longStringsSpanningTheBufferHashLikeTheirText() {
        String longAscii = "x".repeat(5000);
        String longMixed = "ab€".repeat(700) + "\n" + "😀".repeat(300);
        assertEquals(sha256Hex("\"" + longAscii + "\""), CanonicalJson.sha256(JsonValue.of(longAscii)).hex());
        assertEquals(sha256Hex("\"" + longMixed.replace("\n", "\\n") + "\""),
                CanonicalJson.sha256(JsonValue.of(longMixed)).hex());
        assertEquals(("\"" + longMixed.replace("\n", "\\n") + "\"").getBytes(StandardCharsets.UTF_8).length,
                CanonicalJson.sha256(JsonValue.of(longMixed)).length());
    }

    @Test
    void digestIsLowercaseHex() {
        String hex = hash("{}");
        assertEquals(64, hex.length());
        assertEquals(hex.toLowerCase(java.util.Locale.ROOT), hex);
    }
}
