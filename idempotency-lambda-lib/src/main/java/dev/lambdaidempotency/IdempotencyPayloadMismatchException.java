package dev.lambdaidempotency;

/**
 * The key was used before with a different payload. Nothing was run. The client reused a key for a different
 * request; it must use a new key.
 */
public final class IdempotencyPayloadMismatchException extends IdempotencyException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /**
     * @param recordId the hashed record id
     */
    public IdempotencyPayloadMismatchException(String recordId) {
        super("idempotency key of record " + recordId + " was already used with a different payload", recordId, null);
    }
}
