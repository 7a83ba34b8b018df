package dev.lambdaidempotency.localrunner.trace;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the spans of one trace into one {@link SpanNode} tree: children by parent span id, in start order. A span's
 * attributes become the node's annotations as recorded (names and values as strings: {@code idempotency.outcome=new},
 * {@code idempotency.claimed=true}); status {@code ERROR} is a fault (what the X-Ray tracer records for the same step),
 * its cause the type of the first {@code exception} event. A span that has not ended has no duration.
 */
final class OpenTelemetrySpans {
    private static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");

    private final Map<String, List<SpanData>> childrenByParent = new HashMap<>();
    private final Map<String, SpanData> byId = new HashMap<>();

    private OpenTelemetrySpans(List<SpanData> spans) {
        for (SpanData span : spans) {
            byId.put(span.getSpanId(), span);
            childrenByParent.computeIfAbsent(span.getParentSpanId(), p -> new ArrayList<>()).add(span);
        }
    }

    /**
     * The tree under the span {@code rootId}.
     *
     * @param spans  the trace's spans, ended or not
     * @param rootId the id of the root (the runner's invocation span)
     * @return the tree, if the root is among the spans
     */
    static Optional<SpanNode> tree(List<SpanData> spans, String rootId) {
        OpenTelemetrySpans index = new OpenTelemetrySpans(spans);
        return Optional.ofNullable(index.byId.get(rootId)).map(index::node);
    }

    private SpanNode node(SpanData span) {
        List<SpanNode> children = new ArrayList<>();
        List<SpanData> below = new ArrayList<>(childrenByParent.getOrDefault(span.getSpanId(), List.of()));
        below.sort(Comparator.comparingLong(SpanData::getStartEpochNanos));
        below.forEach(child -> children.add(node(child)));
        Map<String, String> annotations = new HashMap<>();
        span.getAttributes().forEach((key, value) -> annotations.put(key.getKey(), String.valueOf(value)));
        Instant start = instant(span.getStartEpochNanos());
        Duration duration = span.hasEnded()
                ? Duration.ofNanos(span.getEndEpochNanos() - span.getStartEpochNanos()) : null;
        boolean failed = span.getStatus().getStatusCode() == StatusCode.ERROR;
        String cause = span.getEvents().stream().filter(event -> event.getName().equals("exception"))
                .map(EventData::getAttributes).map(attributes -> attributes.get(EXCEPTION_TYPE))
                .filter(type -> type != null).findFirst().orElse(null);
        return new SpanNode(span.getName(), null, start, duration, failed ? SpanNode.Status.FAULT : SpanNode.Status.OK,
                cause, annotations, children);
    }

    private static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(0, epochNanos);
    }
}
