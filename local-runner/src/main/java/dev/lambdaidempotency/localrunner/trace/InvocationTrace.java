package dev.lambdaidempotency.localrunner.trace;

import java.util.Objects;

/**
 * What one invocation recorded: the tree under the invocation's root (the stand-in for Lambda's function segment).
 *
 * @param source    what recorded it ({@code aws-xray}, {@code opentelemetry})
 * @param traceId   the trace id, as the source writes it
 * @param root      the invocation: its children are what the function emitted
 * @param complete  false when the source gave up waiting for part of it (the tree then holds what arrived)
 */
public record InvocationTrace(String source, String traceId, SpanNode root, boolean complete) {
    /** Validates. */
    public InvocationTrace {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(root, "root");
    }
}
