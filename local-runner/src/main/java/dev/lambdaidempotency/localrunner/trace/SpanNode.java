package dev.lambdaidempotency.localrunner.trace;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * One step of an invocation's trace, whatever recorded it: an X-Ray segment or subsegment, or an OpenTelemetry span.
 * The printer and the JSON writer only see this model.
 *
 * @param name        the step ({@code idempotency}, {@code claim}, ...; {@code DynamoDb}, {@code S3} for SDK calls;
 *                    the function's logical id for the invocation itself)
 * @param operation   the AWS operation of an SDK call ({@code PutItem}), else null
 * @param start       when the step began
 * @param duration    how long it took; null when the source never saw it end
 * @param status      ok, error (a client error, e.g. a refused conditional write) or fault
 * @param cause       the exception type recorded on the step, else null
 * @param annotations the indexed annotations (X-Ray) or attributes (OpenTelemetry), as recorded
 * @param children    the steps inside this one, in start order
 */
public record SpanNode(String name, String operation, Instant start, Duration duration, Status status, String cause,
        Map<String, String> annotations, List<SpanNode> children) {

    /** How a step ended. */
    public enum Status {
        /** Ended normally. */
        OK,
        /** A client error (HTTP 4xx to an SDK call: a refused conditional write, a missing object). */
        ERROR,
        /** A failure: an exception, a 5xx. */
        FAULT
    }

    /** Validates and copies. */
    public SpanNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(status, "status");
        annotations = Map.copyOf(annotations);
        children = List.copyOf(children);
    }

    /**
     * The annotations sorted by name, for display.
     *
     * @return a sorted copy
     */
    public Map<String, String> sortedAnnotations() {
        return new TreeMap<>(annotations);
    }

    /**
     * This step and every step below it, depth first.
     *
     * @return the steps
     */
    public List<SpanNode> descendantsAndSelf() {
        List<SpanNode> all = new ArrayList<>();
        collect(this, all);
        return all;
    }

    private static void collect(SpanNode node, List<SpanNode> all) {
        all.add(node);
        node.children.forEach(child -> collect(child, all));
    }

    /**
     * The tree without times, one step per line, indented by depth: name, operation, annotations and status. Two
     * invocations that took the same path have the same shape. Annotations named {@code *_ms} are times too (the
     * OpenTelemetry tracer's latency attributes) and are left out.
     *
     * @return the shape
     */
    public String shape() {
        StringBuilder text = new StringBuilder();
        shape(this, 0, text);
        return text.toString();
    }

    private static void shape(SpanNode node, int depth, StringBuilder text) {
        text.append("  ".repeat(depth)).append(node.title()).append(node.details(name -> !name.endsWith("_ms")))
                .append('\n');
        node.children.forEach(child -> shape(child, depth + 1, text));
    }

    /**
     * Name, operation, annotations and status on one line, e.g.
     * {@code DynamoDb PutItem error: ConditionalCheckFailedException}.
     *
     * @return the label
     */
    public String label() {
        return title() + details();
    }

    /**
     * The name, and the operation of an SDK call: {@code claim}, {@code DynamoDb PutItem}.
     *
     * @return the title
     */
    public String title() {
        return operation == null ? name : name + " " + operation;
    }

    /**
     * The annotations ({@code " key=value"}, sorted) and a status other than ok ({@code " error: Type"}), each with
     * a leading space; empty when there are none.
     *
     * @return the details
     */
    public String details() {
        return details(name -> true);
    }

    private String details(Predicate<String> shown) {
        StringBuilder text = new StringBuilder();
        sortedAnnotations().forEach((key, value) -> {
            if (shown.test(key)) {
                text.append(' ').append(key).append('=').append(value);
            }
        });
        if (status != Status.OK) {
            text.append(' ').append(status.name().toLowerCase(Locale.ROOT));
            if (cause != null) {
                text.append(": ").append(cause.substring(cause.lastIndexOf('.') + 1));
            }
        }
        return text.toString();
    }
}
