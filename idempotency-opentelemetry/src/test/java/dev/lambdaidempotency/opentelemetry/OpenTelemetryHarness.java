package dev.lambdaidempotency.opentelemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * An OpenTelemetry SDK that keeps everything in memory: spans in an {@link InMemorySpanExporter} (exported as each
 * ends), metrics in an {@link InMemoryMetricReader}. Its clock steps one microsecond per reading, so spans started
 * one after the other have distinct, ordered start times whatever the machine's clock resolution.
 */
final class OpenTelemetryHarness implements AutoCloseable {
    /** The name of the span the harness opens around an invocation, as the ADOT layer's instrumentation does. */
    static final String INVOCATION = "handleRequest";

    final InMemorySpanExporter spans = InMemorySpanExporter.create();
    final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    final OpenTelemetrySdk sdk;

    OpenTelemetryHarness() {
        this(Sampler.alwaysOn());
    }

    OpenTelemetryHarness(Sampler sampler) {
        Clock clock = new SteppingClock();
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().setClock(clock).setSampler(sampler)
                        .addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setMeterProvider(SdkMeterProvider.builder().setClock(clock).registerMetricReader(metrics).build())
                .build();
    }

    OpenTelemetry openTelemetry() {
        return sdk;
    }

    /** Each invocation inside its own span, made current: what the ADOT Lambda layer does. */
    LifecycleSequence.Invocations underInvocationSpans() {
        Tracer runtime = sdk.getTracer("adot-lambda-layer-stand-in");
        return new LifecycleSequence.Invocations() {
            @Override
            public <T> T around(Supplier<T> invocation) {
                Span span = runtime.spanBuilder(INVOCATION).setSpanKind(SpanKind.SERVER).startSpan();
                Scope scope = span.makeCurrent();
                try {
                    return invocation.get();
                } finally {
                    scope.close();
                    span.end();
                }
            }
        };
    }

    /** Each invocation with no current span: a standalone SDK. */
    static LifecycleSequence.Invocations standalone() {
        return new LifecycleSequence.Invocations() {
            @Override
            public <T> T around(Supplier<T> invocation) {
                return invocation.get();
            }
        };
    }

    /** The spans named {@code name}, in the order they ended. */
    List<SpanData> ended(String name) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name))
                .sorted(Comparator.comparingLong(SpanData::getEndEpochNanos)).toList();
    }

    /** The tree of every {@code idempotency} span, in the order they ended. */
    List<String> idempotencyTrees() {
        List<SpanData> all = spans.getFinishedSpanItems();
        return ended("idempotency").stream().map(root -> Trees.otel(root, all)).toList();
    }

    @Override
    public void close() {
        sdk.close();
    }

    private static final class SteppingClock implements Clock {
        private final AtomicLong nanos = new AtomicLong(1_767_225_600_000_000_000L);

        @Override
        public long now() {
            return nanos.addAndGet(1_000);
        }

        @Override
        public long nanoTime() {
            return nanos.addAndGet(1_000);
        }
    }
}
