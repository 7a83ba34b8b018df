package dev.lambdaidempotency.batch;

import dev.lambdaidempotency.Execution;
import java.util.Objects;

/**
 * What happened to one record of a batch.
 *
 * @param itemIdentifier the record's identifier in a batch response: the SQS message id, or the Kinesis / DynamoDB
 *                       Streams sequence number
 * @param key            the idempotency key the record was processed under, or {@code null} when none could be read
 *                       (or the record was not attempted)
 * @param status         what happened
 * @param execution      for {@link Status#PROCESSED} and {@link Status#DUPLICATE}: the result and how it was
 *                       obtained (a duplicate's execution is {@link Execution#replayed() replayed}, with the first
 *                       execution's time); {@code null} for the other statuses, and for a duplicate whose earlier
 *                       result is no longer available
 * @param failure        the exception behind {@link Status#FAILED}, {@link Status#IN_PROGRESS} or
 *                       {@link Status#REJECTED}, or {@code null}
 * @param reported       whether the record is in the batch response's {@code batchItemFailures}, so that Lambda
 *                       delivers it again (for a stream, only the first failure is reported: the checkpoint)
 * @param detail         a short human-readable explanation, as logged: the adapter never puts the key or the body
 *                       in it; for a processor's exception it is that exception's {@code toString()}
 * @param <R>            the result type
 */
public record RecordOutcome<R>(String itemIdentifier, String key, Status status, Execution<R> execution,
        Exception failure, boolean reported, String detail) {

    /** What happened to a record. */
    public enum Status {
        /** The record's key was new: the processor ran now and its result was recorded. */
        PROCESSED,
        /** The record's key was processed before, in this batch or an earlier one: skipped, counts as a success. */
        DUPLICATE,
        /** The processor or the store failed; the record is delivered again. */
        FAILED,
        /** Another invocation is processing the same key right now; delivered again later, it will be a duplicate. */
        IN_PROGRESS,
        /** The record can never be processed as it is (unreadable body, no key, a key reused with another body):
         *  reported as failed. SQS: its retries run out and it reaches the dead-letter queue. Streams: it blocks
         *  its shard until the mapping's retries or record age run out; then Lambda sends only batch metadata to
         *  the on-failure destination and the rest of that batch is skipped (use BisectBatchOnFunctionError and a
         *  finite MaximumRetryAttempts). */
        REJECTED,
        /** Not attempted because an earlier record of an ordered batch (FIFO queue, stream) did not succeed. */
        NOT_ATTEMPTED;

        /**
         * Whether the record counts as done (processed now or before).
         *
         * @return true for {@link #PROCESSED} and {@link #DUPLICATE}
         */
        public boolean succeeded() {
            return this == PROCESSED || this == DUPLICATE;
        }
    }

    /**
     * Checks the required components.
     *
     * @param itemIdentifier see the record description
     * @param key            see the record description
     * @param status         see the record description
     * @param execution      see the record description
     * @param failure        see the record description
     * @param reported       see the record description
     * @param detail         see the record description
     */
    public RecordOutcome {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * The live or replayed result.
     *
     * @return the execution's result, or {@code null} when there is none
     */
    public R result() {
        return execution == null ? null : execution.result();
    }

    /**
     * The line the adapter logs for this record, e.g. {@code record 059f36b4: DUPLICATE (already processed at
     * 2030-01-01T00:00:00Z)}.
     *
     * @return the log line
     */
    public String logLine() {
        return "record " + itemIdentifier + ": " + status + " (" + detail + ")";
    }
}
