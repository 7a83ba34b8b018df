/**
 * Per-record idempotency for Lambda batch event sources: SQS (standard and FIFO), Kinesis and DynamoDB Streams.
 *
 * <p>{@link dev.lambdaidempotency.batch.IdempotentBatch} builds a {@code RequestHandler} that runs the user's code
 * once per record key, skips duplicates (in the same batch or a redelivered one) as successes, and returns the
 * partial batch response that an event source mapping with {@code ReportBatchItemFailures} expects. Every record's
 * {@link dev.lambdaidempotency.batch.RecordOutcome} reaches the logs, an optional listener and the
 * {@link dev.lambdaidempotency.batch.BatchReport}. The adapter uses only the library's public API
 * ({@link dev.lambdaidempotency.IdempotentOperation#execute}); the library does not know it exists.
 */
package dev.lambdaidempotency.batch;
