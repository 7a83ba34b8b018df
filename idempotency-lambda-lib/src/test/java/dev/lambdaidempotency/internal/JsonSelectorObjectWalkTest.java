package dev.lambdaidempotency.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The Map-event fast path must find exactly what selecting from the converted tree finds. */
class JsonSelectorObjectWalkTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final Function<Object, JsonValue> converter = EventTrees.DEFAULT;
    private final JsonSelector.TextReader reader = JsonText::parse;

    private static final List<String> PATHS = List.of("orderId", "detail.order.id", "items[0].sku", "items[5]",
            "items[0]", "body.orderId", "body.lines[1].qty", "headers.idempotency-key", "headers.IDEMPOTENCY-KEY",
            "multiValueHeaders.Idempotency-Key[0]", "flag.x", "amount.value", "nothing.here", "items.sku",
            "detail[0]", "nullable", "nullable.deeper", "body", "body.nested.deep", "records[0].body.orderId",
            "records[1].body", "records[1].body.orderId", "records[2].body", "records[2].body.x",
            "records[3].body.orderId", "records[4].body");

    private List<Object> events() {
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("id", "o-1");
        Map<String, Object> detail = new LinkedHashMap<>(Map.of("order", order));
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("orderId", "o-1");
        event.put("detail", detail);
        event.put("items", List.of(Map.of("sku", "s-1", "qty", 2), Map.of("sku", "s-2")));
        event.put("body", "{\"orderId\": 42, \"lines\": [{\"qty\": 1}, {\"qty\": 2.50}], \"nested\": \"n/a\"}");
        event.put("headers", Map.of("Idempotency-Key", "k-1", "Content-Type", "application/json"));
        event.put("multiValueHeaders", Map.of("idempotency-key", List.of("k-2", "k-3")));
        event.put("flag", true);
        event.put("amount", 12.5);
        event.put("nullable", null);
        event.put("records", List.of(
                base64Body("{\"orderId\": \"r-0\"}"),
                base64Body("orderId=r-1"),
                Map.of("body", Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, 0, 1}),
                        "isBase64Encoded", true),
                Map.of("body", "{\"orderId\": \"r-3\"}", "isBase64Encoded", true),
                Map.of("body", "eyJvcmRlcklkIjoicjQifQ==", "isBase64Encoded", "true")));
        Map<String, Object> bodyNotJson = new HashMap<>(Map.of("body", "orderId=1"));
        List<Object> list = new ArrayList<>(List.of(Map.of("a", 1), "x"));
        return Arrays.asList(event, bodyNotJson, list, Map.of(), List.of(), Map.of("orderId", Map.of("n", 1.0)),
                Map.of("orderId", List.of(1, 2L, 3.25, "four", false)),
                base64Body("{\"orderId\": 42, \"lines\": [{\"qty\": 1}, {\"qty\": 2.50}]}"));
    }

    private static Map<String, Object> base64Body(String body) {
        return Map.of("body", Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)),
                "isBase64Encoded", true);
    }

    @Test
    void findsWhatTheConvertedTreeFinds() throws Exception {
        int compared = 0;
        int unreadable = 0;
        for (Object event : events()) {
            JsonValue tree = converter.apply(event);
            assertEquals(DatabindTrees.toValue(mapper.valueToTree(event)), tree, "converted as databind converts");
            for (String path : PATHS) {
                JsonSelector selector = JsonSelector.parse(path);
                JsonValue slow;
                try {
                    slow = selector.select(tree, reader);
                } catch (JsonSelector.UnreadableJsonException e) {
                    assertEquals(e.getMessage(), assertThrows(JsonSelector.UnreadableJsonException.class,
                            () -> selector.selectFromObjects(event, converter, reader), path + " on " + event)
                            .getMessage(), "the same place named on both paths");
                    unreadable++;
                    continue;
                }
                JsonValue fast = selector.selectFromObjects(event, converter, reader);
                if (slow == JsonValue.NULL) {
                    assertEquals(JsonValue.MISSING, fast, "a null value is absent either way: " + path);
                } else {
                    assertEquals(slow, fast, path + " on " + event);
                }
                compared++;
            }
        }
        assertEquals(events().size() * PATHS.size(), compared + unreadable);
        assertEquals(7, unreadable, "three paths into a plain body that is not JSON, a JSON string in a body that "
                + "is not JSON, a base64 body that is not JSON, one that is not base64, one that is binary");
    }

    @Test
    void decodesABodyMarkedBase64() throws Exception {
        Map<String, Object> event = base64Body("{\"orderId\": \"o-1\"}");
        assertEquals("o-1", JsonSelector.parse("body.orderId").selectFromObjects(event, converter, reader).text());
        assertEquals("{\"orderId\": \"o-1\"}",
                JsonSelector.parse("body").selectFromObjects(event, converter, reader).text());
        JsonValue binary = JsonSelector.parse("body").selectFromObjects(Map.of("body", "/wAB", "isBase64Encoded",
                true), converter, reader);
        assertArrayEquals(new byte[] {(byte) 0xff, 0, 1}, assertInstanceOf(JsonValue.Bytes.class, binary).bytes());
    }

    @Test
    void declinesWhatOnlyTheConverterCanInterpret() throws Exception {
        JsonSelector orderId = JsonSelector.parse("detail.orderId");
        assertNull(orderId.selectFromObjects(Map.of("detail", new Bean()), converter, reader), "a bean on the path");
        assertNull(orderId.selectFromObjects(Map.of("detail", new String[] {"x"}), converter, reader), "an array");
        assertNull(JsonSelector.parse("1").selectFromObjects(Map.of(1, "one"), converter, reader),
                "a map whose keys Jackson writes with toString()");
        assertNull(JsonSelector.parse("body").selectFromObjects(Map.of("body", "e30=", "isBase64Encoded",
                new AtomicBoolean(true)), converter, reader), "a flag Jackson writes as true");
        assertEquals(DatabindTrees.toValue(mapper.valueToTree(new Bean())), JsonSelector.parse("detail").selectFromObjects(
                Map.of("detail", new Bean()), converter, reader), "a bean as the selected value is converted alone");
    }

    /** A bean Jackson serializes as {"orderId":"b-1"}. */
    public static final class Bean {
        /**
         * @return the id
         */
        public String getOrderId() {
            return "b-1";
        }
    }
}
