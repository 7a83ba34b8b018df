package dev.lambdaidempotency;

/** What a wrapped handler does when an event carries no idempotency key. */
public enum MissingKeyPolicy {
    /** Refuse the event with {@link IdempotencyKeyException} ({@link IdempotencyKeyException.Reason#MISSING}). */
    REJECT,
    /** Run the handler without idempotency and log a warning. */
    RUN_WITHOUT_IDEMPOTENCY
}
