package dev.lambdaidempotency.localrunner;

import dev.lambdaidempotency.localrunner.trace.InvocationTrace;
import dev.lambdaidempotency.localrunner.trace.SpanNode;
import dev.lambdaidempotency.localrunner.trace.TraceJson;
import dev.lambdaidempotency.localrunner.trace.TraceSource;
import dev.lambdaidempotency.localrunner.trace.TraceText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The report's traces: prints each invocation's tree under its scenario ({@code trace | } lines) and keeps them for
 * {@code --trace-out}. Not thread-safe: the demo prints from one thread.
 */
final class Traces {
    private static final String PREFIX = "trace | ";

    private final TraceSource source;
    private final List<TraceJson.Entry> entries = new ArrayList<>();
    private String scenario = "";

    Traces(TraceSource source) {
        this.source = source;
    }

    TraceSource source() {
        return source;
    }

    /** The scenario that the next invocations belong to (the demo's section title). */
    void scenario(String title) {
        scenario = title;
    }

    /** Records one invocation and prints its tree. */
    void show(LambdaInvoker.Invocation invocation, Consumer<String> out) {
        if (record(invocation)) {
            TraceText.lines(invocation.trace()).forEach(line -> out.accept(PREFIX + line));
        }
    }

    /**
     * Records invocations of the same request and prints each path they took once: the tree of the first
     * invocation that took it, with how many took it.
     */
    void showGrouped(List<LambdaInvoker.Invocation> invocations, Consumer<String> out) {
        Map<String, List<InvocationTrace>> byShape = new LinkedHashMap<>();
        for (LambdaInvoker.Invocation invocation : invocations) {
            if (record(invocation)) {
                byShape.computeIfAbsent(invocation.trace().root().children().stream()
                        .map(SpanNode::shape).toList().toString(), s -> new ArrayList<>())
                        .add(invocation.trace());
            }
        }
        byShape.values().forEach(same -> {
            List<String> lines = TraceText.lines(same.get(0));
            out.accept(PREFIX + same.size() + " of " + invocations.size() + " took this path, e.g. " + lines.get(0));
            lines.subList(1, lines.size()).forEach(line -> out.accept(PREFIX + line));
        });
    }

    private boolean record(LambdaInvoker.Invocation invocation) {
        if (invocation.trace() == null) {
            return false;
        }
        // the root is the invocation, named after the function
        entries.add(new TraceJson.Entry(scenario, invocation.trace().root().name(), invocation.requestId(),
                invocation.trace()));
        return true;
    }

    /** Writes every recorded trace as JSON ({@link TraceJson}). */
    void write(Path file) {
        TraceJson.write(file, entries);
    }

    int count() {
        return entries.size();
    }

    /** Every recorded trace, in the order they ran. */
    List<TraceJson.Entry> entries() {
        return List.copyOf(entries);
    }
}
