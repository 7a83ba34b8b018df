package dev.lambdaidempotency.localrunner.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdaidempotency.opentelemetry.OpenTelemetryIdempotencyTracer;
import dev.lambdaidempotency.spi.IdempotencyTracer;
import dev.lambdaidempotency.spi.IdempotencyTracer.TraceSpan;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The spans the library's OpenTelemetry tracer opens under an invocation's root, mapped onto the runner's tree: the
 * nesting, start order, attributes as annotations, a failed step as a fault with its exception type, the root's own
 * error, and a span left open (no duration, the trace marked incomplete). The SDK is the source's own, not the global
 * one, so this runs beside any other test.
 */
class OpenTelemetryTraceSourceTest {
    private final OpenTelemetryTraceSource source = OpenTelemetryTraceSource.unregistered();
    private final IdempotencyTracer tracer = OpenTelemetryIdempotencyTracer.create(source.openTelemetry());

    @AfterEach
    void close() {
        source.close();
    }

    @Test
    void theLibrarysSpansBecomeTheInvocationsTree() {
        TraceSource.Recording recording = source.begin("PaymentApiFunction");
        try (TraceSpan idempotency = tracer.start("idempotency")) {
            idempotency.annotate("idempotency_outcome", "handler_error");
            idempotency.annotate("idempotency_key_hash", "1f0c2b3a4d5e");
            idempotency.metadata("store_latency_ms", 1.25);
            try (TraceSpan claim = tracer.start("claim")) {
                claim.metadata("claimed", true);
            }
            try (TraceSpan process = tracer.start("process")) {
                process.error(new IllegalStateException("the handler's own"));
            }
            tracer.start("release").close();
        }
        InvocationTrace trace = recording.end(null);

        assertEquals(OpenTelemetryTraceSource.SOURCE, trace.source());
        assertTrue(trace.traceId().matches("[0-9a-f]{32}"), trace.traceId());
        assertTrue(trace.complete());
        assertEquals("""
                PaymentApiFunction
                  idempotency idempotency.key_hash_prefix=1f0c2b3a4d5e idempotency.outcome=handler_error
                    claim idempotency.claimed=true
                    process fault: IllegalStateException
                    release
                """, trace.root().shape(), "latencies (*_ms) are times: not part of the shape");
        SpanNode idempotency = trace.root().children().get(0);
        assertEquals("1.25", idempotency.annotations().get("idempotency.store_latency_ms"));
        assertEquals("java.lang.IllegalStateException", idempotency.children().get(1).cause());
        for (SpanNode node : trace.root().descendantsAndSelf()) {
            assertNull(node.operation(), "no SDK calls: nothing instruments the clients");
            assertFalse(node.duration().isNegative());
            assertFalse(node.start().isBefore(trace.root().start()));
        }
    }

    @Test
    void eachInvocationIsATraceOfItsOwnAndTheRootCarriesTheHandlersError() {
        TraceSource.Recording first = source.begin("ReportFunction");
        tracer.start("idempotency").close();
        InvocationTrace firstTrace = first.end(null);
        TraceSource.Recording second = source.begin("ReportFunction");
        InvocationTrace secondTrace = second.end(new IllegalArgumentException("bad event"));

        assertFalse(firstTrace.traceId().equals(secondTrace.traceId()));
        assertEquals("ReportFunction\n  idempotency\n", firstTrace.root().shape());
        assertEquals("ReportFunction fault: IllegalArgumentException\n", secondTrace.root().shape());
        assertEquals(List.of(), secondTrace.root().children());
        assertTrue(TraceText.lines(secondTrace).get(0).endsWith(": no spans"), TraceText.lines(secondTrace).get(0));
    }

    @Test
    void aSpanLeftOpenShowsWithoutADurationAndTheTraceIsIncomplete() {
        TraceSource.Recording recording = source.begin("OrderConsumerFunction");
        TraceSpan idempotency = tracer.start("idempotency");
        tracer.start("claim").close();
        InvocationTrace trace = recording.end(null);
        idempotency.close();

        assertFalse(trace.complete());
        assertEquals("OrderConsumerFunction\n  idempotency\n    claim\n", trace.root().shape());
        assertNull(trace.root().children().get(0).duration());
        assertEquals("? ms", TraceText.millis(trace.root().children().get(0).duration()));
    }
}
