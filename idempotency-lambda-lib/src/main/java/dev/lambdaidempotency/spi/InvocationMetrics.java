package dev.lambdaidempotency.spi;

/**
 * What one idempotent invocation did, handed to an {@link IdempotencyMetricsSink} when it ends.
 *
 * @param scope              the record scope the invocation ran under (function name, plus key space and
 *                           operation name when set)
 * @param outcome            how it ended
 * @param takeover           whether the claim took over an expired in-progress claim of another invocation
 * @param offloadedBytes     bytes written to the result store, 0 when nothing was offloaded
 * @param storeNanos         time spent in idempotency-store calls
 * @param resultStoreNanos   time spent in result-store calls
 */
public record InvocationMetrics(String scope, Outcome outcome, boolean takeover, long offloadedBytes,
        long storeNanos, long resultStoreNanos) {

    /** How an invocation ended, as seen by the idempotency layer. */
    public enum Outcome {
        /** First execution: the operation ran and its result was recorded. */
        NEW,
        /** A repeat answered from the stored result; the operation did not run. */
        REPLAY,
        /** A repeat refused because the first is still running. */
        IN_PROGRESS,
        /** A repeat refused because its payload differs from the first. */
        MISMATCH,
        /** The operation threw; its claim was released. */
        HANDLER_ERROR,
        /** The idempotency layer failed (store down, unreadable record, result unavailable, lost claim). */
        ERROR,
        /** No key was found and the configuration says to run without idempotency. */
        NO_KEY,
        /**
         * The operation answered, on purpose, with an outcome that is not recorded (it threw a
         * {@link dev.lambdaidempotency.NotRecordedException}, e.g. the HTTP adapter for a 5xx response); its claim
         * was released. Not a handler error: the operation did not fail.
         */
        NOT_RECORDED
    }
}
