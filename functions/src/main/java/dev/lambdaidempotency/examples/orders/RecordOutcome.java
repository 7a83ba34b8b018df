package dev.lambdaidempotency.examples.orders;

/** What happened to one SQS record, and whether SQS must deliver it again. */
public enum RecordOutcome {
    /** The order was processed now. */
    PROCESSED(false),
    /** The order was processed before (same or earlier batch): skipped, counts as success. */
    DUPLICATE_SKIPPED(false),
    /** Another invocation is processing the same order right now: retried later, when it will be a duplicate. */
    IN_PROGRESS_RETRY(true),
    /** Processing failed (fulfilment or store error): retried. */
    FAILED_RETRY(true),
    /** The message can never be processed (unreadable, or the order id was reused for a different order): reported
     *  as failed, so SQS moves it to the dead-letter queue after its maximum receive count. */
    REJECTED(true);

    private final boolean reportedAsFailure;

    RecordOutcome(boolean reportedAsFailure) {
        this.reportedAsFailure = reportedAsFailure;
    }

    /**
     * Whether the record goes into the batch response's failures (and is delivered again).
     *
     * @return true for failures
     */
    public boolean reportedAsFailure() {
        return reportedAsFailure;
    }
}
