/**
 * Sample Lambda functions built on the library, deployed by the repository's {@code template.yaml}:
 * {@link dev.lambdaidempotency.examples.payment.PaymentApiFunction} (API Gateway, {@code Idempotency-Key} header),
 * {@link dev.lambdaidempotency.examples.orders.OrderConsumerFunction} (SQS, per-record idempotency, partial batch
 * responses) and {@link dev.lambdaidempotency.examples.report.ReportFunction} (a multi-megabyte result offloaded
 * to S3). Their AWS wiring lives in {@link dev.lambdaidempotency.examples.wiring}.
 */
package dev.lambdaidempotency.examples;
