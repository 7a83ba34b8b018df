package dev.lambdaidempotency;

/**
 * This invocation's claim was taken over (its in-progress expiry passed and another invocation claimed the key)
 * before it could record its outcome. The record now belongs to the other owner and was left untouched (the
 * fence). A claim that merely vanished (swept or deleted, with nobody else holding the key) is not lost: the
 * result is recorded and returned. The operation ran in this invocation; raise the in-progress lease or the function timeout if this
 * happens in normal operation.
 */
public final class IdempotencyClaimLostException extends IdempotencyException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /**
     * @param message  what was refused
     * @param recordId the hashed record id
     */
    public IdempotencyClaimLostException(String message, String recordId) {
        super(message, recordId, null);
    }
}
