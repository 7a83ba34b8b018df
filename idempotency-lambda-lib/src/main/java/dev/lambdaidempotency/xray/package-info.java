/**
 * AWS X-Ray tracing of the idempotency lifecycle: {@link dev.lambdaidempotency.xray.XRayIdempotencyTracer} opens one
 * subsegment per step ({@code idempotency} with the filterable annotations {@code idempotency_outcome},
 * {@code idempotency_key_hash}, {@code idempotency_scope}; children {@code claim}, {@code process},
 * {@code record}/{@code offload}, {@code release}, {@code replay}/{@code fetch}), and
 * {@link dev.lambdaidempotency.xray.XRaySdkInterceptor} shows the DynamoDB and S3 calls of those steps as their
 * children.
 *
 * <p>Needs {@code com.amazonaws:aws-xray-recorder-sdk-core} (and, for the interceptor,
 * {@code aws-xray-recorder-sdk-aws-sdk-v2}) on the classpath: optional dependencies of this library. AWS has put the
 * X-Ray SDKs in maintenance mode and recommends OpenTelemetry; the engine only sees the small
 * {@link dev.lambdaidempotency.spi.IdempotencyTracer} interface, so another tracer can replace this package.
 */
package dev.lambdaidempotency.xray;
