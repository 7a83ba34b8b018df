package dev.lambdaidempotency.spi;

/**
 * Receives one {@link InvocationMetrics} per idempotent invocation. The CloudWatch Embedded Metric Format
 * implementation lives in {@code dev.lambdaidempotency.metrics}. Implementations must be thread-safe and must not
 * throw.
 */
@FunctionalInterface
public interface IdempotencyMetricsSink {

    /** A sink that drops everything. */
    IdempotencyMetricsSink NONE = metrics -> {
    };

    /**
     * Records the metrics of one invocation.
     *
     * @param metrics what happened
     */
    void record(InvocationMetrics metrics);

    /**
     * Warms this sink's formatting without recording anything (no metrics line is written). Called by
     * {@link dev.lambdaidempotency.Idempotency#prime()}.
     *
     * <p>Does nothing by default.
     */
    default void prime() {
    }
}
