package dev.lambdaidempotency;

import java.time.Instant;

/**
 * Another invocation holds the claim on this key and has not finished. Nothing was run. Retry later: by
 * {@link #claimExpiresAt()} the claim either completes (and a retry replays its result) or lapses (and a retry runs).
 */
public final class IdempotencyInProgressException extends IdempotencyException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** When the blocking claim lapses. */
    private final Instant claimExpiresAt;

    /**
     * @param recordId       the hashed record id
     * @param claimExpiresAt when the current claim may be taken over
     */
    public IdempotencyInProgressException(String recordId, Instant claimExpiresAt) {
        super("request " + recordId + " is already in progress; retry after " + claimExpiresAt, recordId, null);
        this.claimExpiresAt = claimExpiresAt;
    }

    /**
     * When the current claim lapses if its owner never finishes.
     *
     * @return the in-progress expiry of the claim
     */
    public Instant claimExpiresAt() {
        return claimExpiresAt;
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
