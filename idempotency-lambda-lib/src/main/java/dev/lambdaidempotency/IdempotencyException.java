package dev.lambdaidempotency;

/**
 * Root of every error the idempotency layer raises itself. Exceptions thrown by the wrapped handler or operation
 * are never wrapped in one: they reach the caller unchanged.
 *
 * <p>Messages and fields carry the scoped, hashed record id, never a raw key or payload.
 */
public abstract class IdempotencyException extends RuntimeException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** The hashed record id, or null. */
    private final String recordId;

    /**
     * @param message  what happened, for operators
     * @param recordId the hashed record id, or {@code null} when none was computed yet
     * @param cause    the underlying failure, or {@code null}
     */
    protected IdempotencyException(String message, String recordId, Throwable cause) {
        super(message, cause);
        this.recordId = recordId;
    }

    /**
     * The scoped, hashed record id this error concerns.
     *
     * @return the record id, or {@code null} when the error happened before a key was computed
     */
    public String recordId() {
        return recordId;
    }

    /**
     * Whether repeating the same request later may succeed (a concurrent duplicate, a throttled store).
     *
     * @return true when a retry is reasonable
     */
    public boolean isRetryable() {
        return false;
    }
}
