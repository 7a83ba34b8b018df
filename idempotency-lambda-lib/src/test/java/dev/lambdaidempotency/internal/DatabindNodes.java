package dev.lambdaidempotency.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/** The library's JSON values as databind trees, so the tests keep asserting with databind's accessors. */
final class DatabindNodes {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private DatabindNodes() {
    }

    /** Binary bytes, kept apart from a {@code byte[]} (which is base64 text) as the library keeps them. */
    static final class Binary extends com.fasterxml.jackson.databind.node.BinaryNode {
        private static final long serialVersionUID = 1L;

        Binary(byte[] bytes) {
            super(bytes);
        }
    }

    static JsonNode toNode(JsonValue value) {
        if (value == null) {
            return null;
        }
        if (value instanceof JsonValue.Obj object) {
            ObjectNode node = NODES.objectNode();
            for (Map.Entry<String, JsonValue> member : object.members().entrySet()) {
                node.set(member.getKey(), toNode(member.getValue()));
            }
            return node;
        }
        if (value instanceof JsonValue.Arr array) {
            ArrayNode node = NODES.arrayNode();
            array.items().forEach(item -> node.add(toNode(item)));
            return node;
        }
        if (value instanceof JsonValue.Str string) {
            return NODES.textNode(string.value());
        }
        if (value instanceof JsonValue.Num number) {
            Number n = number.value();
            if (n instanceof BigDecimal decimal) {
                return com.fasterxml.jackson.databind.node.DecimalNode.valueOf(decimal);
            } else if (n instanceof BigInteger big) {
                return NODES.numberNode(big);
            } else if (n instanceof Integer i) {
                return NODES.numberNode(i);
            } else if (n instanceof Double || n instanceof Float) {
                return NODES.numberNode(n.doubleValue());
            }
            return NODES.numberNode(n.longValue());
        }
        if (value instanceof JsonValue.Bytes bytes) {
            return new Binary(bytes.bytes());
        }
        if (value == JsonValue.TRUE || value == JsonValue.FALSE) {
            return NODES.booleanNode(value == JsonValue.TRUE);
        }
        return value == JsonValue.MISSING ? MissingNode.getInstance() : NODES.nullNode();
    }
}
