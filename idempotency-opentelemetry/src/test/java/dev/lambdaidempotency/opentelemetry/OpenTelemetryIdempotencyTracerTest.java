package dev.lambdaidempotency.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdaidempotency.spi.IdempotencyMetricsSink;
import dev.lambdaidempotency.spi.IdempotencyTracer;
import dev.lambdaidempotency.spi.IdempotencyTracer.TraceSpan;
import dev.lambdaidempotency.testkit.InMemoryIdempotencyStore;
import dev.lambdaidempotency.testkit.InMemoryResultStore;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenTelemetryIdempotencyTracerTest {
    /** The trees of {@link LifecycleSequence}, in the order their {@code idempotency} spans end. */
    static final List<String> SEQUENCE_TREES = List.of(
            """
            idempotency {outcome=new} [key_hash=#, scope=traced, store_latency_ms=*]
              claim [claimed=true]
              process
              record [result_bytes=37, stored_as=inline]
            """,
            """
            idempotency {outcome=replay} [key_hash=#, scope=traced, store_latency_ms=*]
              claim [claimed=false]
              replay [from_local_cache=false, record_status=COMPLETED]
            """,
            """
            idempotency {outcome=mismatch} [key_hash=#, scope=traced, store_latency_ms=*]
              claim [claimed=false]
            """,
            """
            idempotency {outcome=in_progress} [key_hash=#, scope=traced, store_latency_ms=*]
              claim [claimed=false]
            """,
            """
            idempotency {outcome=new} [key_hash=#, scope=traced, store_latency_ms=*]
              claim [claimed=true]
              process
              record [result_bytes=28, stored_as=inline]
            """,
            """
            idempotency {outcome=handler_error} [key_hash=#, scope=traced, store_latency_ms=*]
              claim [claimed=true]
              process !error(java.lang.IllegalStateException)
              release
            """,
            """
            idempotency {outcome=new} [key_hash=#, result_store_latency_ms=*, scope=traced, store_latency_ms=*]
              claim [claimed=true]
              process
              record [result_bytes=40987, stored_as=offloaded]
                offload [result_bytes=40987, stored_bytes=40987]
            """,
            """
            idempotency {outcome=replay} [key_hash=#, result_store_latency_ms=*, scope=traced, store_latency_ms=*]
              claim [claimed=false]
              replay [from_local_cache=false, record_status=COMPLETED]
                fetch [stored_bytes=40987]
            """);

    private final OpenTelemetryHarness otel = new OpenTelemetryHarness();

    @AfterEach
    void tearDown() {
        otel.close();
    }

    @Test
    void underTheAdotLayerEachInvocationIsOneIdempotencySpanUnderTheInvocationSpan() throws Exception {
        int runs = new LifecycleSequence().run(new InMemoryIdempotencyStore(), new InMemoryResultStore(),
                OpenTelemetryIdempotencyTracer.create(otel.openTelemetry()), IdempotencyMetricsSink.NONE,
                otel.underInvocationSpans());

        assertEquals(3 + 1, runs, "o-1, o-2, o-4 once each, and the failing o-3");
        assertEquals(SEQUENCE_TREES, otel.idempotencyTrees());
        List<SpanData> invocations = otel.ended(OpenTelemetryHarness.INVOCATION);
        List<SpanData> roots = otel.ended("idempotency");
        assertEquals(8, roots.size());
        for (SpanData root : roots) {
            SpanData parent = invocations.stream().filter(i -> i.getSpanId().equals(root.getParentSpanId()))
                    .findFirst().orElseThrow(() -> new AssertionError("no invocation span is the parent of " + root));
            assertEquals(parent.getTraceId(), root.getTraceId(), "joined the invocation's trace");
            assertEquals(SpanKind.INTERNAL, root.getKind());
            assertEquals(OpenTelemetryIdempotencyTracer.INSTRUMENTATION_SCOPE,
                    root.getInstrumentationScopeInfo().getName());
            assertEquals(StatusCode.UNSET, root.getStatus().getStatusCode(), "an outcome is never the root's error");
            String prefix = root.getAttributes().get(AttributeKey.stringKey(IdempotencyAttributes.KEY_HASH_PREFIX));
            assertTrue(prefix.matches("[0-9a-f]{12}"), prefix);
            assertEquals(LifecycleSequence.SCOPE,
                    root.getAttributes().get(AttributeKey.stringKey(IdempotencyAttributes.SCOPE)));
        }
        AttributeKey<String> hash = AttributeKey.stringKey(IdempotencyAttributes.KEY_HASH_PREFIX);
        assertEquals(roots.get(0).getAttributes().get(hash), roots.get(1).getAttributes().get(hash),
                "a replay carries the key hash prefix of its first execution");
        assertFalse(roots.get(0).getAttributes().get(hash).equals(roots.get(3).getAttributes().get(hash)),
                "another key, another prefix");
        assertEquals(Double.class, roots.get(0).getAttributes().asMap().get(
                AttributeKey.doubleKey("idempotency.store_latency_ms")).getClass(), "typed: a number");

        SpanData process = otel.ended("process").stream().filter(p -> p.getStatus().getStatusCode()
                == StatusCode.ERROR).findFirst().orElseThrow();
        assertEquals(List.of("java.lang.IllegalStateException"), Trees.exceptionTypes(process));
        assertEquals("java.lang.IllegalStateException", process.getStatus().getDescription());
        for (SpanData span : otel.spans.getFinishedSpanItems()) {
            span.getAttributes().forEach((key, value) -> {
                assertTrue(key.getKey().startsWith("idempotency."), "namespaced: " + key);
                assertFalse(String.valueOf(value).matches(".*o-[0-9].*"), "never the raw key: " + key + "=" + value);
                assertFalse(String.valueOf(value).contains("xxxx"), "never the payload or result: " + key);
            });
        }
        assertSame(Span.getInvalid(), Span.current(), "nothing left current on the test thread");
    }

    @Test
    void standaloneWithNoCurrentSpanEachInvocationIsATraceOfItsOwn() throws Exception {
        new LifecycleSequence().run(new InMemoryIdempotencyStore(), new InMemoryResultStore(),
                OpenTelemetryIdempotencyTracer.create(otel.openTelemetry()), IdempotencyMetricsSink.NONE,
                OpenTelemetryHarness.standalone());

        assertEquals(SEQUENCE_TREES, otel.idempotencyTrees());
        List<SpanData> roots = otel.ended("idempotency");
        assertTrue(roots.stream().noneMatch(r -> r.getParentSpanContext().isValid()), "roots of their traces");
        assertEquals(8, roots.stream().map(SpanData::getTraceId).distinct().count(), "one trace per invocation");
        assertEquals(otel.spans.getFinishedSpanItems().size(), otel.spans.getFinishedSpanItems().stream()
                .filter(s -> roots.stream().anyMatch(r -> r.getTraceId().equals(s.getTraceId()))).count(),
                "every step is in its invocation's trace");
    }

    @Test
    void withTheNoopApiNothingIsOpenedOrMadeCurrent() {
        IdempotencyTracer tracer = OpenTelemetryIdempotencyTracer.create(OpenTelemetry.noop());
        Context before = Context.current();
        try (TraceSpan span = tracer.start("idempotency")) {
            assertSame(TraceSpan.NONE, span);
            assertSame(before, Context.current());
        }
        assertSame(before, Context.current());
    }

    @Test
    void aSampledOutSpanIsStillCurrentSoItsStepsShareItsDecision() {
        try (OpenTelemetryHarness sampledOut = new OpenTelemetryHarness(Sampler.traceIdRatioBased(0.0))) {
            IdempotencyTracer tracer = OpenTelemetryIdempotencyTracer.create(sampledOut.openTelemetry());
            TraceSpan root = tracer.start("idempotency");
            Span current = Span.current();
            assertTrue(current.getSpanContext().isValid() && !current.isRecording());
            TraceSpan claim = tracer.start("claim");
            assertEquals(current.getSpanContext().getTraceId(), Span.current().getSpanContext().getTraceId(),
                    "a step of a sampled-out span is not a new root with its own sampling decision");
            claim.close();
            assertSame(current, Span.current());
            root.close();
            assertTrue(sampledOut.spans.getFinishedSpanItems().isEmpty());
        }
        assertSame(Span.getInvalid(), Span.current());
    }

    @Test
    void closingAParentWithAChildLeftOpenRestoresTheContextBeforeIt() {
        IdempotencyTracer tracer = OpenTelemetryIdempotencyTracer.create(otel.openTelemetry());
        Span outer = otel.openTelemetry().getTracer("test").spanBuilder("outer").startSpan();
        Scope scope = outer.makeCurrent();
        try {
            TraceSpan root = tracer.start("idempotency");
            TraceSpan leftOpen = tracer.start("claim");
            root.close();
            assertSame(outer, Span.current(), "the outer span is current again");
            leftOpen.close();
            assertSame(outer, Span.current(), "the late close of the step left open changes nothing");
            root.close(); // twice: no effect
        } finally {
            scope.close();
            outer.end();
        }
        assertEquals(3, otel.spans.getFinishedSpanItems().size());
    }

    @Test
    void annotationsAndMetadataBecomeTypedNamespacedAttributes() {
        IdempotencyTracer tracer = OpenTelemetryIdempotencyTracer.create(otel.openTelemetry());
        try (TraceSpan span = tracer.start("record")) {
            span.annotate("idempotency_outcome", "new");
            span.annotate("idempotency_key_hash", "00d5c8b71f85");
            span.annotate("idempotency_scope", "payments");
            span.metadata("claimed", true);
            span.metadata("result_bytes", 40_987);
            span.metadata("stored_bytes", 244L);
            span.metadata("store_latency_ms", 4.25);
            span.metadata("stored_as", "offloaded");
            span.metadata("record_status", dev.lambdaidempotency.spi.RecordStatus.COMPLETED);
            span.metadata("ignored", null);
        }
        SpanData record = otel.ended("record").get(0);
        assertEquals(io.opentelemetry.api.common.Attributes.builder()
                .put(IdempotencyAttributes.OUTCOME, "new")
                .put(IdempotencyAttributes.KEY_HASH_PREFIX, "00d5c8b71f85")
                .put(IdempotencyAttributes.SCOPE, "payments")
                .put("idempotency.claimed", true)
                .put("idempotency.result_bytes", 40_987L)
                .put("idempotency.stored_bytes", 244L)
                .put("idempotency.store_latency_ms", 4.25)
                .put("idempotency.stored_as", "offloaded")
                .put("idempotency.record_status", "COMPLETED")
                .build().asMap(), record.getAttributes().asMap());
        assertEquals("idempotency.outcome", IdempotencyAttributes.OUTCOME);
        assertEquals("idempotency.key_hash_prefix", IdempotencyAttributes.KEY_HASH_PREFIX);
        assertEquals("idempotency.scope", IdempotencyAttributes.SCOPE);
    }
}
