package dev.lambdaidempotency.opentelemetry;

import dev.lambdaidempotency.spi.IdempotencyTracer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * Traces the idempotency lifecycle as OpenTelemetry spans: the same tree and the same facts as
 * {@code dev.lambdaidempotency.xray.XRayIdempotencyTracer}, under OpenTelemetry attribute names.
 *
 * <pre>{@code
 * // under the ADOT Lambda layer (its Java agent registers the global OpenTelemetry):
 * Idempotency idempotency = Idempotency.builder()
 *     .store(store)
 *     .tracer(OpenTelemetryIdempotencyTracer.usingGlobal())
 *     .build();
 * // or with an OpenTelemetry SDK the application builds itself:
 * .tracer(OpenTelemetryIdempotencyTracer.create(openTelemetrySdk))
 * }</pre>
 *
 * <p><b>The tree.</b> One {@code idempotency} span per invocation (kind {@code INTERNAL}), a child of whatever span
 * is current ({@code Context.current()}): under the ADOT layer, the invocation's span; standalone, the application's
 * span, or a new trace when there is none. Its children are the steps: {@code claim}, {@code process},
 * {@code record} (with {@code offload} when the result goes to the result store), {@code release} (after a failed
 * handler), {@code replay} (with {@code fetch} for an offloaded result). Each span is current while its step runs,
 * so spans of an instrumented AWS SDK client (the ADOT agent's, say) nest under the step that made the call. In the
 * asynchronous mode the request that admits the work has one {@code claim} (outcome {@code admitted}); the worker's
 * {@code IdempotentOperation.resume} has two {@code claim} spans, the hand-over record's first, then the key's, then
 * {@code process} and {@code record} (or {@code replay} when the key completed meanwhile).
 *
 * <p><b>Attributes</b> (see {@link IdempotencyAttributes}). The {@code idempotency} span carries
 * {@value IdempotencyAttributes#OUTCOME} ({@code new}, {@code replay}, {@code in_progress}, {@code mismatch},
 * {@code handler_error}, {@code not_recorded}, {@code error}, {@code admitted}),
 * {@value IdempotencyAttributes#KEY_HASH_PREFIX} (the first 12 hex digits of the key hash, never the key),
 * {@value IdempotencyAttributes#SCOPE} and the latencies; steps carry what the X-Ray tracer records as metadata
 * (for example {@code idempotency.stored_as}, {@code idempotency.result_bytes}), typed (booleans, numbers,
 * strings). No raw key and no payload is ever an attribute.
 *
 * <p><b>Errors.</b> A step that really failed (a store error, the handler's own exception, a lost or corrupt result)
 * gets the exception as an event ({@code Span.recordException}) and status {@code ERROR} with the exception's class
 * name as description. A duplicate, an in-progress conflict or a payload mismatch is an outcome, not an error: no
 * span is marked for it, exactly as the X-Ray tracer marks no fault.
 *
 * <p><b>Never in the way.</b> With the no-op API (no SDK, no agent) no span is opened and nothing is made current;
 * no method throws. A span that is valid but not recorded (sampled out) is still made current, so that its steps
 * share its sampling decision instead of starting traces of their own. This class is thread-safe; each span belongs
 * to the thread that opened it.
 */
public final class OpenTelemetryIdempotencyTracer implements IdempotencyTracer {
    /** The instrumentation scope name of the tracer (and of {@link OpenTelemetryMetricsSink}'s meter). */
    public static final String INSTRUMENTATION_SCOPE = "dev.lambdaidempotency";
    private static final System.Logger LOG = System.getLogger("dev.lambdaidempotency.opentelemetry");

    private final Tracer tracer;
    // this thread's open spans, innermost first: closing one with a step left open below it unwinds to it
    private final ThreadLocal<Deque<OpenTelemetrySpan>> open = ThreadLocal.withInitial(ArrayDeque::new);

    private OpenTelemetryIdempotencyTracer(Tracer tracer) {
        this.tracer = tracer;
    }

    /**
     * A tracer on {@code openTelemetry}'s tracer provider (instrumentation scope {@value #INSTRUMENTATION_SCOPE}).
     *
     * @param openTelemetry the application's OpenTelemetry, e.g. an {@code OpenTelemetrySdk}
     * @return the tracer
     * @throws NullPointerException if {@code openTelemetry} is null
     */
    public static OpenTelemetryIdempotencyTracer create(OpenTelemetry openTelemetry) {
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        return new OpenTelemetryIdempotencyTracer(openTelemetry.getTracer(INSTRUMENTATION_SCOPE));
    }

    /**
     * A tracer on {@code GlobalOpenTelemetry}: what the ADOT Lambda layer's Java agent (or the application) has
     * registered, else the no-op implementation. Prefer {@link #create(OpenTelemetry)} in libraries.
     *
     * @return the tracer
     */
    public static OpenTelemetryIdempotencyTracer usingGlobal() {
        return create(GlobalOpenTelemetry.get());
    }

    @Override
    public TraceSpan start(String name) {
        try {
            Context parent = Context.current();
            Span span = tracer.spanBuilder(name).setParent(parent).setSpanKind(SpanKind.INTERNAL).startSpan();
            if (!span.isRecording() && span.getSpanContext().equals(Span.fromContext(parent).getSpanContext())) {
                return TraceSpan.NONE; // the no-op API hands back the parent: nothing to end or make current
            }
            Context current = parent.with(span);
            Deque<OpenTelemetrySpan> thread = open.get();
            OpenTelemetrySpan opened = new OpenTelemetrySpan(thread, span, parent, current, current.makeCurrent());
            thread.push(opened);
            return opened;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "could not open OpenTelemetry span " + name, e);
            return TraceSpan.NONE;
        }
    }

    @Override
    public String toString() {
        return "OpenTelemetryIdempotencyTracer";
    }

    /** One open span, current on its thread until closed. */
    private static final class OpenTelemetrySpan implements TraceSpan {
        private final Deque<OpenTelemetrySpan> open;
        private final Span span;
        private final Context parent;
        private final Context current;
        private final Scope scope;
        private boolean closed;

        OpenTelemetrySpan(Deque<OpenTelemetrySpan> open, Span span, Context parent, Context current, Scope scope) {
            this.open = open;
            this.span = span;
            this.parent = parent;
            this.current = current;
            this.scope = scope;
        }

        @Override
        public void annotate(String key, String value) {
            try {
                span.setAttribute(IdempotencyAttributes.name(key), value);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "OpenTelemetry attribute " + key + " dropped", e);
            }
        }

        @Override
        public void metadata(String key, Object value) {
            try {
                String name = IdempotencyAttributes.name(key);
                if (value instanceof Boolean flag) {
                    span.setAttribute(name, flag);
                } else if (value instanceof Integer || value instanceof Long || value instanceof Short) {
                    span.setAttribute(name, ((Number) value).longValue());
                } else if (value instanceof Number number) {
                    span.setAttribute(name, number.doubleValue());
                } else if (value != null) {
                    span.setAttribute(name, value.toString());
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "OpenTelemetry attribute " + key + " dropped", e);
            }
        }

        @Override
        public void error(Throwable error) {
            try {
                span.recordException(error);
                span.setStatus(StatusCode.ERROR, error.getClass().getName());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "OpenTelemetry exception dropped", e);
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                restoreContext();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "could not restore the OpenTelemetry context", e);
            }
            try {
                span.end();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "could not end OpenTelemetry span", e);
            }
        }

        private void restoreContext() {
            if (!open.contains(this)) {
                return; // a span above us closed first and already put its own parent's context back
            }
            while (open.pop() != this) {
                // opened below us and left open: unwound with us
            }
            if (Context.current() == current) {
                scope.close(); // back to the context that was current when this span opened
            } else {
                // a scope closed out of order restores nothing: put our parent's context back (the scope of that is
                // left to the thread, as the one below us that was never closed)
                parent.makeCurrent();
            }
        }
    }
}
