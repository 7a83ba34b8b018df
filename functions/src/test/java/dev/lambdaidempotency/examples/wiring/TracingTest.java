package dev.lambdaidempotency.examples.wiring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdaidempotency.opentelemetry.OpenTelemetryIdempotencyTracer;
import dev.lambdaidempotency.spi.IdempotencyTracer;
import dev.lambdaidempotency.xray.XRayIdempotencyTracer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code IDEMPOTENCY_TRACER}: which tracer the sample functions are built with. */
class TracingTest {
    @AfterEach
    void clear() {
        System.clearProperty(FunctionWiring.Tracing.SETTING);
    }

    @Test
    void xRayUnlessToldOtherwise() {
        Assumptions.assumeTrue(System.getenv(FunctionWiring.Tracing.SETTING) == null);
        assertEquals(FunctionWiring.Tracing.XRAY, FunctionWiring.Tracing.fromEnvironment());
        assertInstanceOf(XRayIdempotencyTracer.class, FunctionWiring.Tracing.XRAY.tracer());
    }

    @Test
    void openTelemetryOrNoneByName() {
        System.setProperty(FunctionWiring.Tracing.SETTING, " OpenTelemetry ");
        assertEquals(FunctionWiring.Tracing.OPENTELEMETRY, FunctionWiring.Tracing.fromEnvironment());
        assertInstanceOf(OpenTelemetryIdempotencyTracer.class, FunctionWiring.Tracing.OPENTELEMETRY.tracer());
        System.setProperty(FunctionWiring.Tracing.SETTING, "none");
        assertSame(IdempotencyTracer.NONE, FunctionWiring.Tracing.fromEnvironment().tracer());
    }

    @Test
    void anUnknownTracerIsRefusedByName() {
        System.setProperty(FunctionWiring.Tracing.SETTING, "zipkin");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                FunctionWiring.Tracing::fromEnvironment);
        assertTrue(refused.getMessage().contains("IDEMPOTENCY_TRACER") && refused.getMessage().contains("zipkin"),
                refused.getMessage());
    }
}
