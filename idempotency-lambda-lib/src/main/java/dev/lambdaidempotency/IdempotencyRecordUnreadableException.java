package dev.lambdaidempotency;

/**
 * A stored record exists but cannot be decoded: attributes missing or of the wrong type, an unknown status, or a
 * stored result that does not deserialize into the expected type. The layer refuses to guess: the operation does
 * not run again. Inspect or delete the named record.
 */
public final class IdempotencyRecordUnreadableException extends IdempotencyException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /**
     * @param message  what is wrong with the record
     * @param recordId the hashed record id
     * @param cause    the decoding failure, or {@code null}
     */
    public IdempotencyRecordUnreadableException(String message, String recordId, Throwable cause) {
        super(message, recordId, cause);
    }
}
