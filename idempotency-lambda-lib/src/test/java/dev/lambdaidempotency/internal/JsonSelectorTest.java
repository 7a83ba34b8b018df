package dev.lambdaidempotency.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonSelectorTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectReader READER = MAPPER.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private static final JsonNode EVENT = tree("""
            {
              "orderId": "o-1",
              "detail": {"order": {"id": 42, "lines": [{"sku": "a"}, {"sku": "b", "tags": [["x", "y"]]}]}},
              "items": [10, 20, 30],
              "headers": {"Idempotency-Key": "k-1", "Content-Type": "application/json"},
              "multiValueHeaders": {"idempotency-key": ["mk-1", "mk-2"]},
              "body": "{\\"orderId\\":\\"b-7\\",\\"amount\\":12.50,\\"nested\\":\\"{\\\\\\"deep\\\\\\":true}\\",\\"list\\":[{\\"n\\":1}]}",
              "nullField": null,
              "text": "plain words",
              "Case": "upper"
            }
            """);

    private static JsonNode tree(String json) {
        try {
            return READER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode select(String path) throws JsonSelector.UnreadableJsonException {
        return on(JsonSelector.parse(path), EVENT);
    }

    /** Selects with the library's own parser from the library's value of {@code tree}. */
    private static JsonNode on(JsonSelector selector, JsonNode tree) throws JsonSelector.UnreadableJsonException {
        return DatabindNodes.toNode(selector.select(DatabindTrees.toValue(tree), JsonText::parse));
    }

    @Test
    void selectsTopLevelAndNestedFields() throws Exception {
        assertEquals("o-1", select("orderId").textValue());
        assertEquals(42, select("detail.order.id").intValue());
        assertEquals("o-1", select("$.orderId").textValue());
        assertEquals("o-1", select("  orderId  ").textValue());
    }

    @Test
    void rootSelectsTheWholeTree() throws Exception {
        assertTrue(JsonSelector.parse("").isRoot());
        assertTrue(JsonSelector.parse("$").isRoot());
        assertTrue(JsonSelector.parse("  ").isRoot());
        assertFalse(JsonSelector.parse("a").isRoot());
        assertEquals(EVENT, select("$"));
        assertEquals("$", JsonSelector.parse("").toString());
        assertEquals("a.b[0]", JsonSelector.parse("a.b[0]").toString());
    }

    @Test
    void selectsArrayElementsByIndex() throws Exception {
        assertEquals(20, select("items[1]").intValue());
        assertEquals("b", select("detail.order.lines[1].sku").textValue());
        assertEquals("y", select("detail.order.lines[1].tags[0][1]").textValue());
    }

    @Test
    void absentPartsAreMissingNotErrors() throws Exception {
        assertInstanceOf(MissingNode.class, select("nope"));
        assertInstanceOf(MissingNode.class, select("detail.nope.deeper"));
        assertInstanceOf(MissingNode.class, select("items[3]"));
        assertInstanceOf(MissingNode.class, select("items[0].field"));   // a number has no fields
    }

    @Test
    void indexingAnObjectOrFieldOfAnArrayIsMissing() throws Exception {
        assertInstanceOf(MissingNode.class, select("detail[0]"));
        assertInstanceOf(MissingNode.class, select("items.first"));
    }

    @Test
    void nullOnThePathEndsTheSelection() throws Exception {
        assertTrue(select("nullField").isNull());
        assertInstanceOf(MissingNode.class, select("nullField.below"));
        assertInstanceOf(MissingNode.class, select("nullField[0]"));
    }

    @Test
    void fieldNamesAreCaseSensitiveOutsideHeaders() throws Exception {
        assertEquals("upper", select("Case").textValue());
        assertInstanceOf(MissingNode.class, select("case"));
        assertInstanceOf(MissingNode.class, select("ORDERID"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"headers.Idempotency-Key", "headers.idempotency-key", "headers.IDEMPOTENCY-KEY",
        "Headers.idempotency-KEY"})
    void headerNamesMatchCaseInsensitively(String path) throws Exception {
        JsonNode tree = path.startsWith("Headers") ? tree("{\"Headers\":{\"Idempotency-Key\":\"k-1\"}}") : EVENT;
        assertEquals("k-1", on(JsonSelector.parse(path), tree).textValue());
    }

    @Test
    void multiValueHeaderNamesMatchCaseInsensitively() throws Exception {
        assertEquals("mk-1", select("multiValueHeaders.Idempotency-Key[0]").textValue());
        assertEquals("mk-2", select("multiValueHeaders.IDEMPOTENCY-KEY[1]").textValue());
        assertInstanceOf(MissingNode.class, select("multiValueHeaders.Other-Header[0]"));
    }

    @Test
    void anExactHeaderMatchWinsOverACaseInsensitiveOne() throws Exception {
        JsonNode tree = tree("{\"headers\":{\"x-key\":\"lower\",\"X-Key\":\"exact\"}}");
        assertEquals("exact", on(JsonSelector.parse("headers.X-Key"), tree).textValue());
        assertEquals("lower", on(JsonSelector.parse("headers.x-key"), tree).textValue());
    }

    @Test
    void descendsIntoAJsonStringBody() throws Exception {
        assertEquals("b-7", select("body.orderId").textValue());
        assertEquals(1, select("body.list[0].n").intValue());
        assertTrue(select("body.amount").isBigDecimal(), "floats read exactly, as decimals");
        assertEquals(0, new BigDecimal("12.50").compareTo(select("body.amount").decimalValue()));
        assertTrue(select("body.nested.deep").booleanValue(), "a JSON string inside a JSON string");
    }

    @Test
    void aJsonStringAtTheEndOfThePathIsReturnedAsAString() throws Exception {
        assertTrue(select("body").isTextual());
    }

    @Test
    void descendingIntoAStringThatIsNotJsonIsUnreadable() {
        JsonSelector.UnreadableJsonException e = assertThrows(JsonSelector.UnreadableJsonException.class,
                () -> select("text.field"));
        assertEquals("$.text is a string that is not valid JSON", e.getMessage());
        assertInstanceOf(JsonText.MalformedJsonException.class, e.getCause());
    }

    @Test
    void unreadableMessageNamesWhereTheStringWas() {
        JsonNode tree = tree("{\"records\":[{\"body\":\"not json\"}]}");
        JsonSelector.UnreadableJsonException e = assertThrows(JsonSelector.UnreadableJsonException.class,
                () -> on(JsonSelector.parse("records[0].body.id"), tree));
        assertEquals("$.records[0].body is a string that is not valid JSON", e.getMessage());
    }

    @Test
    void indexingOrDescendingIntoAPlainStringIsUnreadable() {
        assertThrows(JsonSelector.UnreadableJsonException.class, () -> select("orderId[0]"));
        assertThrows(JsonSelector.UnreadableJsonException.class, () -> select("headers.Content-Type.x"));
    }

    @Test
    void anEmptyOrScalarBodyHasNoFields() throws Exception {
        assertInstanceOf(MissingNode.class, on(JsonSelector.parse("body.id"), tree("{\"body\":\"\"}")));
        assertInstanceOf(MissingNode.class, on(JsonSelector.parse("body.id"), tree("{\"body\":\"12\"}")));
        assertInstanceOf(MissingNode.class,
                on(JsonSelector.parse("body.id"), tree("{\"body\":\"null\"}")));
    }

    @Test
    void aBodyMarkedBase64IsDecodedWhereverTheObjectHoldingItIs() throws Exception {
        // {"id":"b-1"}
        JsonNode tree = tree("{\"records\":[{\"body\":\"eyJpZCI6ImItMSJ9\",\"isBase64Encoded\":true}]}");
        assertEquals("b-1", on(JsonSelector.parse("records[0].body.id"), tree).textValue());
        assertEquals("{\"id\":\"b-1\"}", on(JsonSelector.parse("records[0].body"), tree).textValue());
        assertEquals("eyJpZCI6ImItMSJ9", on(JsonSelector.parse("records"), tree).get(0).get("body")
                .textValue(), "selecting what holds the body leaves it as delivered");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"data\":\"eyJpZCI6ImItMSJ9\",\"isBase64Encoded\":true}",  // only a member named body is decoded
        "{\"Body\":\"eyJpZCI6ImItMSJ9\",\"isBase64Encoded\":true}",  // by its exact name
        "{\"body\":\"eyJpZCI6ImItMSJ9\",\"IsBase64Encoded\":true}",  // and the flag's
        "{\"body\":\"eyJpZCI6ImItMSJ9\",\"isBase64Encoded\":\"true\"}",  // the JSON literal true only
        "{\"body\":\"eyJpZCI6ImItMSJ9\",\"isBase64Encoded\":false}",
        "{\"body\":\"eyJpZCI6ImItMSJ9\"}"})
    void anythingElseIsNotDecoded(String json) throws Exception {
        JsonNode tree = tree(json);
        String field = tree.fieldNames().next();
        assertEquals("eyJpZCI6ImItMSJ9", on(JsonSelector.parse(field), tree).textValue());
        assertThrows(JsonSelector.UnreadableJsonException.class,
                () -> on(JsonSelector.parse(field + ".id"), tree));
    }

    @Test
    void aDecodedBodyIsReadLikeAPlainOne() throws Exception {
        // {"nested":"{\"deep\":1}","empty":""}
        JsonNode tree = tree("{\"body\":\"eyJuZXN0ZWQiOiJ7XCJkZWVwXCI6MX0iLCJlbXB0eSI6IiJ9\","
                + "\"isBase64Encoded\":true}");
        assertEquals(1, on(JsonSelector.parse("body.nested.deep"), tree).intValue());
        assertInstanceOf(MissingNode.class, on(JsonSelector.parse("body.empty.x"), tree));
        assertInstanceOf(MissingNode.class, on(JsonSelector.parse("body.id"), tree("{\"body\":\"\","
                + "\"isBase64Encoded\":true}")), "an empty body, as a plain empty body");
    }

    @Test
    void aBase64BodyThatCannotBeReadNamesWhyAndWhere() {
        JsonNode notBase64 = tree("{\"r\":{\"body\":\"{}\",\"isBase64Encoded\":true}}");
        JsonNode binary = tree("{\"r\":{\"body\":\"/wAB\",\"isBase64Encoded\":true}}");
        JsonNode text = tree("{\"r\":{\"body\":\"YT0x\",\"isBase64Encoded\":true}}");  // a=1
        assertEquals("$.r.body is marked isBase64Encoded but is not valid base64",
                assertThrows(JsonSelector.UnreadableJsonException.class,
                        () -> on(JsonSelector.parse("r.body"), notBase64)).getMessage());
        assertEquals("$.r.body is a base64-encoded body whose bytes are not UTF-8 text, so nothing can be selected "
                + "inside it", assertThrows(JsonSelector.UnreadableJsonException.class,
                        () -> on(JsonSelector.parse("r.body.a"), binary)).getMessage());
        assertEquals("$.r.body is a base64-encoded body whose text is not valid JSON",
                assertThrows(JsonSelector.UnreadableJsonException.class,
                        () -> on(JsonSelector.parse("r.body.a"), text)).getMessage());
    }

    @Test
    void aSelectorIsReusableAcrossTrees() throws Exception {
        JsonSelector selector = JsonSelector.parse("a.b");
        assertEquals(1, on(selector, tree("{\"a\":{\"b\":1}}")).intValue());
        assertEquals(2, on(selector, tree("{\"a\":{\"b\":2}}")).intValue());
        assertInstanceOf(MissingNode.class, on(selector, tree("[1]")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a..b        | empty field name",
        "a.          | empty field name",
        ".a          | empty field name",
        "$.          | empty field name",
        "[0]         | empty field name",
        "a.[0]       | empty field name",
        "a[          | expected [index] after 'a'",
        "a[0         | expected [index] after 'a'",
        "a[]         | expected [index] after 'a'",
        "a[0]b       | expected [index] after 'a'",
        "a[0]]       | expected [index] after 'a'",
        "a[x]        | index must be a non-negative integer",
        "a[-1]       | index must be a non-negative integer",
        "a[1.5]      | expected [index] after 'a'",
        "a[99999999999] | index must be a non-negative integer"})
    void malformedPathsAreRejectedWithTheReason(String path, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonSelector.parse(path));
        assertEquals("malformed path \"" + path + "\": " + reason, e.getMessage());
    }

    @Test
    void nullPathIsRejectedByName() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> JsonSelector.parse(null));
        assertEquals("path", e.getMessage());
    }
}
