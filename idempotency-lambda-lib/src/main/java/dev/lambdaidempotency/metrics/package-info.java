/**
 * CloudWatch metrics for the idempotency layer: {@link dev.lambdaidempotency.metrics.EmfMetricsSink} writes one
 * Embedded Metric Format line per invocation to standard output, which Lambda ships to CloudWatch Logs and
 * CloudWatch turns into metrics asynchronously: no extra dependency, no network call, no added latency.
 */
package dev.lambdaidempotency.metrics;
