package dev.lambdaidempotency.opentelemetry;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One text form for a trace tree, whichever tracer recorded it, so that trees of different tracers compare as
 * strings: {@code name {outcome=...} [attribute=value, ...] !error(exception type)}, children indented by two
 * spaces in the order they started. Attribute names are the X-Ray tracer's (its annotation and metadata names);
 * the OpenTelemetry names are mapped back explicitly below, so a renamed attribute fails the comparison. Latencies
 * (names ending in {@code _ms}) print as {@code *} and the key hash as {@code #} (its value is compared apart).
 */
final class Trees {
    /** OpenTelemetry attribute name to X-Ray name: the contract of {@link IdempotencyAttributes}, written out. */
    private static final Map<String, String> OTEL_TO_XRAY = Map.of(
            "idempotency.outcome", "outcome",
            "idempotency.key_hash_prefix", "key_hash",
            "idempotency.scope", "scope");

    private Trees() {
    }

    /** The tree of an X-Ray subsegment document (as sent to the daemon). */
    static String xray(JsonNode subsegment) {
        StringBuilder text = new StringBuilder();
        xray(subsegment, 0, text);
        return text.toString();
    }

    private static void xray(JsonNode node, int depth, StringBuilder text) {
        Map<String, String> attributes = new TreeMap<>();
        node.path("annotations").properties().forEach(e -> attributes.put(
                e.getKey().replaceFirst("^idempotency_", ""), e.getValue().asText()));
        node.path("metadata").path("idempotency").properties().forEach(e -> attributes.put(e.getKey(),
                e.getValue().asText()));
        String error = null;
        if (node.path("fault").asBoolean()) {
            error = node.path("cause").path("exceptions").path(0).path("type").asText("?");
        }
        line(node.get("name").textValue(), attributes, error, depth, text);
        for (JsonNode child : node.path("subsegments")) {
            xray(child, depth + 1, text);
        }
    }

    /** The tree under (and including) {@code root}, from the spans an exporter received. */
    static String otel(SpanData root, List<SpanData> spans) {
        StringBuilder text = new StringBuilder();
        otel(root, spans, 0, text);
        return text.toString();
    }

    private static void otel(SpanData span, List<SpanData> spans, int depth, StringBuilder text) {
        Map<String, String> attributes = new TreeMap<>();
        span.getAttributes().forEach((key, value) -> {
            String name = key.getKey();
            attributes.put(OTEL_TO_XRAY.getOrDefault(name, name.replaceFirst("^idempotency\\.", "")),
                    String.valueOf(value));
        });
        String error = null;
        if (span.getStatus().getStatusCode() == StatusCode.ERROR) {
            error = span.getEvents().stream().filter(e -> e.getName().equals("exception")).findFirst()
                    .map(e -> e.getAttributes().get(AttributeKey.stringKey("exception.type"))).orElse("?");
        }
        line(span.getName(), attributes, error, depth, text);
        List<SpanData> children = new ArrayList<>();
        for (SpanData candidate : spans) {
            if (candidate.getParentSpanId().equals(span.getSpanId())
                    && candidate.getTraceId().equals(span.getTraceId())) {
                children.add(candidate);
            }
        }
        children.sort(Comparator.comparingLong(SpanData::getStartEpochNanos));
        for (SpanData child : children) {
            otel(child, spans, depth + 1, text);
        }
    }

    /** Exceptions recorded on a span, as their types. */
    static List<String> exceptionTypes(SpanData span) {
        List<String> types = new ArrayList<>();
        for (EventData event : span.getEvents()) {
            if (event.getName().equals("exception")) {
                types.add(event.getAttributes().get(AttributeKey.stringKey("exception.type")));
            }
        }
        return types;
    }

    private static void line(String name, Map<String, String> attributes, String error, int depth,
            StringBuilder text) {
        text.append("  ".repeat(depth)).append(name);
        String outcome = attributes.remove("outcome");
        if (outcome != null) {
            text.append(" {outcome=").append(outcome).append('}');
        }
        if (!attributes.isEmpty()) {
            text.append(" [");
            Iterator<Map.Entry<String, String>> it = attributes.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, String> e = it.next();
                String value = e.getKey().endsWith("_ms") ? "*" : e.getKey().equals("key_hash") ? "#" : e.getValue();
                text.append(e.getKey()).append('=').append(value).append(it.hasNext() ? ", " : "");
            }
            text.append(']');
        }
        if (error != null) {
            text.append(" !error(").append(error).append(')');
        }
        text.append('\n');
    }
}
