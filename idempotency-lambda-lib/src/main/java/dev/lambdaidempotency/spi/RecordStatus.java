package dev.lambdaidempotency.spi;

/** Lifecycle state of an idempotency record. */
public enum RecordStatus {
    /** An invocation holds the claim and is running the operation. */
    IN_PROGRESS,
    /** The operation finished successfully; its outcome is stored (or known to be unavailable). */
    COMPLETED
}
