/**
 * The report generator sample: an expensive, multi-megabyte result generated at most once per request id; the
 * result is offloaded to S3 and the idempotency record keeps only a pointer to it.
 */
package dev.lambdaidempotency.examples.report;
