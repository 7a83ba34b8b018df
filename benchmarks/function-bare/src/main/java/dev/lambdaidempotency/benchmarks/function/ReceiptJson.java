package dev.lambdaidempotency.benchmarks.function;

import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * A hand-written {@link Receipt} codec for the cold-start floor, whose jar has no Jackson databind (only the JSON
 * parser the SDK already carries). Thread-safe.
 */
public final class ReceiptJson implements FloorFunction.Codec<Receipt> {
    @Override
    public byte[] encode(Receipt r) {
        StringBuilder json = new StringBuilder(96);
        json.append("{\"orderId\":");
        string(json, r.orderId());
        json.append(",\"status\":");
        string(json, r.status());
        json.append(",\"amountCents\":").append(r.amountCents()).append(",\"detail\":");
        if (r.detail() == null) {
            json.append("null");
        } else {
            string(json, r.detail());
        }
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Receipt decode(byte[] json) {
        JsonNode node = JsonNode.parser().parse(json);
        JsonNode detail = node.field("detail").orElse(null);
        return new Receipt(node.field("orderId").map(JsonNode::text).orElse(null),
                node.field("status").map(JsonNode::text).orElse(null),
                node.field("amountCents").map(n -> Long.parseLong(n.asNumber())).orElse(0L),
                detail == null || detail.isNull() ? null : detail.text());
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}
