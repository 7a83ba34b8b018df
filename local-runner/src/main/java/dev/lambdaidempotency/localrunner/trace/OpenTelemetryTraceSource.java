package dev.lambdaidempotency.localrunner.trace;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenTelemetry spans the functions really emit, recorded by an OpenTelemetry SDK that the runner installs as
 * the global OpenTelemetry of its JVM, where the ADOT Lambda layer's agent would install its own.
 *
 * <p><b>The SDK.</b> {@link #install} registers an SDK (every span sampled) with {@code GlobalOpenTelemetry.set};
 * the functions, told to trace with OpenTelemetry ({@code IDEMPOTENCY_TRACER=opentelemetry}), take their tracer from
 * {@code GlobalOpenTelemetry.get()} when they are made. That must come after the install: the first {@code get()}
 * fixes the global for the JVM (the no-op API when nothing was set), so an install that comes too late fails with
 * the reason instead of silently showing no trace. Spans are kept in memory by trace id until taken; no exporter.
 *
 * <p><b>The root.</b> Under the ADOT layer the agent opens the invocation's span before the handler runs and the
 * library's {@code idempotency} span joins it. The runner plays that part: it opens one span per invocation on the
 * invoking thread (named after the function, kind {@code SERVER}, a new trace, no attributes) and makes it current;
 * the library's spans become its descendants exactly as under the agent's.
 *
 * <p><b>What differs from the X-Ray trees.</b> Nothing instruments the functions' AWS SDK clients here (the agent's
 * AWS SDK instrumentation is not in the runner), so there are no DynamoDB or S3 spans under the steps; and a span's
 * annotations are all its attributes ({@code idempotency.outcome}, {@code idempotency.key_hash_prefix},
 * {@code idempotency.scope}, and what X-Ray keeps as metadata, {@code idempotency.claimed}, latencies, ...).
 *
 * <p>Thread-safe: each invocation's root belongs to its thread.
 */
public final class OpenTelemetryTraceSource implements TraceSource {
    /** The {@link InvocationTrace#source()} of these traces. */
    public static final String SOURCE = "opentelemetry";
    private static final String SCOPE = "dev.lambdaidempotency.localrunner";

    private final OpenTelemetrySdk sdk;
    private final Tracer tracer;
    private final StartedSpans started;

    private OpenTelemetryTraceSource(OpenTelemetrySdk sdk, StartedSpans started) {
        this.sdk = sdk;
        this.tracer = sdk.getTracer(SCOPE);
        this.started = started;
    }

    /**
     * Builds the SDK and registers it as the global OpenTelemetry.
     *
     * @return the source
     * @throws IllegalStateException when a global OpenTelemetry was already set or read (the reason in the message)
     */
    public static OpenTelemetryTraceSource install() {
        OpenTelemetryTraceSource source = unregistered();
        try {
            GlobalOpenTelemetry.set(source.sdk);
        } catch (IllegalStateException e) {
            source.close();
            throw new IllegalStateException("a global OpenTelemetry was set or read before the runner could install "
                    + "its SDK: the functions' spans would go there", e);
        }
        return source;
    }

    /** The source with its SDK not registered anywhere (tests hand {@link #openTelemetry()} to a tracer). */
    static OpenTelemetryTraceSource unregistered() {
        StartedSpans started = new StartedSpans();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .setSampler(Sampler.alwaysOn()).addSpanProcessor(started).build()).build();
        return new OpenTelemetryTraceSource(sdk, started);
    }

    OpenTelemetry openTelemetry() {
        return sdk;
    }

    @Override
    public String description() {
        return "OpenTelemetry, the functions' tracer on the runner's SDK (global OpenTelemetry, spans kept in memory)";
    }

    @Override
    public Recording begin(String function) {
        Span root = tracer.spanBuilder(function).setNoParent().setSpanKind(SpanKind.SERVER).startSpan();
        Scope scope = Context.root().with(root).makeCurrent();
        return error -> {
            if (error != null) {
                root.recordException(error);
                root.setStatus(StatusCode.ERROR, error.getClass().getName());
            }
            scope.close();
            root.end();
            String traceId = root.getSpanContext().getTraceId();
            List<SpanData> spans = started.take(traceId);
            SpanNode tree = OpenTelemetrySpans.tree(spans, root.getSpanContext().getSpanId()).orElseThrow();
            boolean complete = spans.stream().allMatch(SpanData::hasEnded);
            return new InvocationTrace(SOURCE, traceId, tree, complete);
        };
    }

    @Override
    public void close() {
        sdk.close();
    }

    /**
     * Keeps every span from its start, by trace id, so that a span left open still shows (without a duration). Spans
     * are read when taken ({@link ReadableSpan#toSpanData()}), after the invocation's root has ended.
     */
    private static final class StartedSpans implements SpanProcessor {
        private final Map<String, List<ReadableSpan>> byTrace = new ConcurrentHashMap<>();

        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {
            byTrace.compute(span.getSpanContext().getTraceId(), (trace, spans) -> {
                List<ReadableSpan> all = spans == null ? new ArrayList<>() : spans;
                all.add(span);
                return all;
            });
        }

        @Override
        public boolean isStartRequired() {
            return true;
        }

        @Override
        public void onEnd(ReadableSpan span) {
        }

        @Override
        public boolean isEndRequired() {
            return false;
        }

        List<SpanData> take(String traceId) {
            List<ReadableSpan> spans = byTrace.remove(traceId);
            // compute() and remove() hold the map's lock for the trace: no span is added to a list once taken
            return spans == null ? List.of() : spans.stream().map(ReadableSpan::toSpanData).toList();
        }
    }
}
