/**
 * The seams of the library: what a persistence back end, a large-result store, a tracer and a metrics sink must
 * do. The engine in {@code dev.lambdaidempotency} talks only to these interfaces; DynamoDB, S3, X-Ray and CloudWatch
 * EMF implementations live in their own packages behind them, and tests may use small in-memory implementations
 * (the {@code idempotency-test-kit} artifact ships a thread-safe one).
 *
 * <p>Every implementation must be thread-safe: one instance serves all invocations of an execution environment.
 * Failures of the underlying service must surface as {@link dev.lambdaidempotency.IdempotencyStoreException}
 * (keeping the cause), never as a silent success.
 */
package dev.lambdaidempotency.spi;
