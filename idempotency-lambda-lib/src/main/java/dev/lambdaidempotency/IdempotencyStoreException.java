package dev.lambdaidempotency;

/**
 * The idempotency store (or result store) could not be reached, refused the request, or throttled it. The layer
 * fails closed: when this happens before the operation, the operation did not run.
 */
public final class IdempotencyStoreException extends IdempotencyException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** Whether the failure looks transient. */
    private final boolean retryable;

    /**
     * @param message   what was attempted
     * @param recordId  the hashed record id, or {@code null}
     * @param retryable whether the failure looks transient (throttling, time-out, 5xx)
     * @param cause     the client's exception (kept, never dropped)
     */
    public IdempotencyStoreException(String message, String recordId, boolean retryable, Throwable cause) {
        super(message, recordId, cause);
        this.retryable = retryable;
    }

    @Override
    public boolean isRetryable() {
        return retryable;
    }
}
