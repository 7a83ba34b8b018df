package dev.lambdaidempotency;

/**
 * The operation already completed, but its result cannot be returned: it was never stored (too large with no
 * result store, the store failed after the operation succeeded, or its {@link Redaction} failed), or the stored
 * copy is missing, corrupt or does not deserialize into the expected type (a result type changed by a deployment).
 * The operation is <em>not</em> run again, because its effect already happened.
 */
public final class IdempotencyResultUnavailableException extends IdempotencyException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /**
     * @param message  why the result is unavailable
     * @param recordId the hashed record id
     * @param cause    the underlying failure, or {@code null}
     */
    public IdempotencyResultUnavailableException(String message, String recordId, Throwable cause) {
        super(message, recordId, cause);
    }
}
