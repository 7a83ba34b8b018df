package dev.lambdaidempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lambdaidempotency.internal.Environment;
import dev.lambdaidempotency.metrics.EmfMetricsSink;
import dev.lambdaidempotency.spi.IdempotencyMetricsSink;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdempotencyDefaultMetricsTest {

    @Test
    void emfInLambda() {
        IdempotencyMetricsSink sink = Idempotency.defaultMetrics(Environment.of(Map.of(
                "AWS_LAMBDA_FUNCTION_NAME", "payments")));
        assertEquals("LambdaIdempotency", ((EmfMetricsSink) sink).namespace());
    }

    @Test
    void namespaceFromTheEnvironment() {
        IdempotencyMetricsSink sink = Idempotency.defaultMetrics(Environment.of(Map.of(
                "AWS_LAMBDA_FUNCTION_NAME", "payments", "IDEMPOTENCY_METRICS_NAMESPACE", "Shop/Idempotency")));
        assertEquals("Shop/Idempotency", ((EmfMetricsSink) sink).namespace());
    }

    @Test
    void offWhenDisabledOrOutsideLambda() {
        assertSame(IdempotencyMetricsSink.NONE, Idempotency.defaultMetrics(Environment.of(Map.of(
                "AWS_LAMBDA_FUNCTION_NAME", "payments", "IDEMPOTENCY_METRICS", "false"))));
        assertSame(IdempotencyMetricsSink.NONE, Idempotency.defaultMetrics(Environment.of(Map.of())));
        assertSame(IdempotencyMetricsSink.NONE, Idempotency.defaultMetrics(Environment.of(Map.of(
                "IDEMPOTENCY_METRICS", "true"))));
    }

    @Test
    void aBadNamespaceFailsFastWithItsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Idempotency.defaultMetrics(
                Environment.of(Map.of("AWS_LAMBDA_FUNCTION_NAME", "fn", "IDEMPOTENCY_METRICS_NAMESPACE", "AWS/x"))));
        assertEquals(true, e.getMessage().contains("AWS/x"));
    }
}
