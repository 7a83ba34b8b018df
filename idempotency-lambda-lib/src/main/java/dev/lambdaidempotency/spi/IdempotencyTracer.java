package dev.lambdaidempotency.spi;

/**
 * Traces the claim-process-record lifecycle. The X-Ray implementation lives in {@code dev.lambdaidempotency.xray};
 * another tracer (OpenTelemetry, say) can be plugged in without touching the engine.
 *
 * <p>Implementations must never throw from any method and must cost next to nothing when no trace is active.
 */
public interface IdempotencyTracer {

    /** A tracer that records nothing. */
    IdempotencyTracer NONE = name -> TraceSpan.NONE;

    /**
     * Opens a child span of whatever span is current on this thread.
     *
     * @param name the span name, e.g. {@code claim}, {@code process}, {@code record}
     * @return the open span; close it when the step ends
     */
    TraceSpan start(String name);

    /** One traced step. Not thread-safe: it belongs to the thread that opened it. */
    interface TraceSpan extends AutoCloseable {

        /** A span that records nothing. */
        TraceSpan NONE = new TraceSpan() {
        };

        /**
         * Adds a filterable annotation.
         *
         * @param key   annotation name
         * @param value annotation value (never a raw key or payload)
         */
        default void annotate(String key, String value) {
        }

        /**
         * Adds non-indexed metadata.
         *
         * @param key   metadata name
         * @param value metadata value
         */
        default void metadata(String key, Object value) {
        }

        /**
         * Marks the span as failed by {@code error}.
         *
         * @param error what failed
         */
        default void error(Throwable error) {
        }

        /** Ends the span. */
        @Override
        default void close() {
        }
    }
}
