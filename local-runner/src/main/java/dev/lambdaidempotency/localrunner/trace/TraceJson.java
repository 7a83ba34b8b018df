package dev.lambdaidempotency.localrunner.trace;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code --trace-out} file: every invocation's tree as JSON, for other tools.
 *
 * <pre>
 * { "format": "lambda-idempotency-local-trace", "version": 1,
 *   "invocations": [ { "scenario": "1. First execution", "function": "PaymentApiFunction",
 *                      "request_id": "...", "source": "aws-xray", "trace_id": "1-...", "complete": true,
 *                      "root": SPAN } ] }
 * SPAN = { "name": "idempotency", "operation": "PutItem" (SDK calls only), "start": "2026-...Z",
 *          "duration_ms": 12.345 (absent if never ended), "status": "ok" | "error" | "fault",
 *          "cause": "exception type" (if any), "annotations": { "idempotency_outcome": "new", ... },
 *          "children": [ SPAN, ... ] (in start order) }
 * </pre>
 */
public final class TraceJson {
    /** The value of the top-level {@code format} field. */
    public static final String FORMAT = "lambda-idempotency-local-trace";

    /** One invocation in the file. */
    public record Entry(String scenario, String function, String requestId, InvocationTrace trace) {
    }

    private TraceJson() {
    }

    /**
     * Writes the file (replacing it).
     *
     * @param file    where
     * @param entries the invocations, in the order they ran
     */
    public static void write(Path file, List<Entry> entries) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode document = json.createObjectNode().put("format", FORMAT).put("version", 1);
        ArrayNode invocations = document.putArray("invocations");
        for (Entry entry : entries) {
            ObjectNode invocation = invocations.addObject().put("scenario", entry.scenario())
                    .put("function", entry.function()).put("request_id", entry.requestId())
                    .put("source", entry.trace().source()).put("trace_id", entry.trace().traceId())
                    .put("complete", entry.trace().complete());
            invocation.set("root", span(entry.trace().root()));
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            json.writeValue(file.toFile(), document);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * One span and its children in the file's form ({@code SPAN} above).
     *
     * @param span the span
     * @return its JSON
     */
    public static ObjectNode span(SpanNode span) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("name", span.name());
        if (span.operation() != null) {
            out.put("operation", span.operation());
        }
        out.put("start", span.start().toString());
        if (span.duration() != null) {
            out.put("duration_ms", BigDecimal.valueOf(span.duration().toNanos(), 6).setScale(3, RoundingMode.HALF_UP));
        }
        out.put("status", span.status().name().toLowerCase(java.util.Locale.ROOT));
        if (span.cause() != null) {
            out.put("cause", span.cause());
        }
        ObjectNode annotations = out.putObject("annotations");
        span.sortedAnnotations().forEach(annotations::put);
        ArrayNode children = out.putArray("children");
        span.children().forEach(child -> children.add(span(child)));
        return out;
    }
}
