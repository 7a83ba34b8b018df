package dev.lambdaidempotency.localrunner.trace;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An invocation's tree as indented lines for the report: each step's title, duration and details ({@link SpanNode}),
 * e.g.
 *
 * <pre>
 * PaymentApiFunction 21 ms (trace 1-6931b2c0-...)
 *   idempotency 20 ms idempotency_key_hash=1f0c... idempotency_outcome=new idempotency_scope=payment-api@http
 *     claim 9 ms
 *       DynamoDb PutItem 9 ms
 * </pre>
 */
public final class TraceText {
    private TraceText() {
    }

    /**
     * The lines of one trace, without indentation of the whole block.
     *
     * @param trace the trace
     * @return the lines
     */
    public static List<String> lines(InvocationTrace trace) {
        List<String> lines = new ArrayList<>();
        SpanNode root = trace.root();
        lines.add(root.name() + " " + millis(root.duration()) + " (trace " + trace.traceId()
                + (trace.complete() ? "" : ", INCOMPLETE: not everything arrived") + ")"
                + (!root.children().isEmpty() ? "" : XRayTraceSource.SOURCE.equals(trace.source())
                        ? ": no subsegments" : ": no spans"));
        root.children().forEach(child -> render(child, 1, lines));
        return lines;
    }

    private static void render(SpanNode node, int depth, List<String> lines) {
        lines.add("  ".repeat(depth) + node.title() + " " + millis(node.duration()) + node.details());
        node.children().forEach(child -> render(child, depth + 1, lines));
    }

    /**
     * A duration in milliseconds, with one decimal when the source recorded finer than milliseconds (X-Ray records
     * milliseconds), {@code "?"} when unknown.
     *
     * @param duration the duration or null
     * @return e.g. {@code "12 ms"}, {@code "0.4 ms"}
     */
    public static String millis(Duration duration) {
        if (duration == null) {
            return "? ms";
        }
        return duration.toNanos() % 1_000_000 == 0 ? duration.toMillis() + " ms"
                : String.format(Locale.ROOT, "%.1f ms", duration.toNanos() / 1e6);
    }
}
