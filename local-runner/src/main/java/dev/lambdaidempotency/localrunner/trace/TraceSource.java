package dev.lambdaidempotency.localrunner.trace;

/**
 * Where the runner gets each invocation's trace from. It opens the invocation's root on the invoking thread (what the
 * Lambda service does before calling the handler), and after the handler returns collects what the function really
 * emitted: {@link XRayTraceSource} from the X-Ray recorder, {@link OpenTelemetryTraceSource} from an OpenTelemetry
 * SDK.
 */
public interface TraceSource extends AutoCloseable {

    /** No tracing: {@link #begin} returns a recording whose trace is null. */
    TraceSource NONE = off("not requested");

    /**
     * No tracing, for a reason the report shows.
     *
     * @param reason why not
     * @return a source whose recordings have no trace
     */
    static TraceSource off(String reason) {
        return new TraceSource() {
            @Override
            public String description() {
                return "off (" + reason + ")";
            }

            @Override
            public Recording begin(String function) {
                return error -> null;
            }
        };
    }

    /**
     * One line for the report: what is recorded and where it is received.
     *
     * @return the description
     */
    String description();

    /**
     * Opens an invocation's root on this thread; call {@link Recording#end} on the same thread.
     *
     * @param function the function's logical id (the root's name)
     * @return the open recording
     */
    Recording begin(String function);

    /** An invocation being recorded. */
    @FunctionalInterface
    interface Recording {
        /**
         * Closes the invocation's root and waits (bounded) until what the function emitted has arrived.
         *
         * @param error what the handler threw, or null
         * @return the trace, or null when this source records nothing
         */
        InvocationTrace end(Throwable error);
    }

    @Override
    default void close() {
    }
}
