/**
 * OpenTelemetry for the idempotency lifecycle, as an optional module on the library's SPI:
 * {@link dev.lambdaidempotency.opentelemetry.OpenTelemetryIdempotencyTracer} opens the same span tree as the X-Ray
 * tracer ({@code idempotency} with children {@code claim}, {@code process}, {@code record}/{@code offload},
 * {@code release}, {@code replay}/{@code fetch}), and
 * {@link dev.lambdaidempotency.opentelemetry.OpenTelemetryMetricsSink} records the figures of the EMF sink as
 * OpenTelemetry counters and histograms. Attribute names are in
 * {@link dev.lambdaidempotency.opentelemetry.IdempotencyAttributes}.
 *
 * <p>Needs only {@code io.opentelemetry:opentelemetry-api}: the implementation comes from the ADOT Lambda layer's
 * Java agent ({@code GlobalOpenTelemetry}) or from an SDK the application builds; without either, everything here
 * is a no-op. The core library does not depend on this module or on OpenTelemetry.
 */
package dev.lambdaidempotency.opentelemetry;
