package dev.lambdaidempotency;

/**
 * A stored record exists but cannot be decoded: attributes missing or of the wrong type, an unknown status. The
 * layer refuses to guess whether the operation ran: it does not run again. Inspect or delete the named record.
 *
 * <p>A record that decodes and is completed, but whose stored result does not deserialize into the expected type,
 * is not this exception but {@link IdempotencyResultUnavailableException}: the operation is known to have run.
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
