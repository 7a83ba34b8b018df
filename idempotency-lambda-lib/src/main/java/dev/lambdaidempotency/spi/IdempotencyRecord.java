package dev.lambdaidempotency.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * One idempotency record as the store holds it.
 *
 * @param id                  the scoped, hashed record id (never a raw key)
 * @param status              lifecycle state
 * @param expiresAt           when the record stops counting; the store's TTL attribute (second precision)
 * @param inProgressExpiresAt when an {@link RecordStatus#IN_PROGRESS} claim may be taken over (millisecond
 *                            precision); {@code null} for completed records
 * @param payloadHash         hash of the validated part of the request, or {@code null} when validation is off
 * @param ownerToken          the unique token of the invocation that claimed the record (the fence)
 * @param result              the stored outcome; {@code null} while in progress
 */
public record IdempotencyRecord(String id, RecordStatus status, Instant expiresAt, Instant inProgressExpiresAt,
        String payloadHash, String ownerToken, StoredResult result) {

    /**
     * Validates the parts every record has.
     *
     * @param id see the record description
     * @param status see the record description
     * @param expiresAt see the record description
     * @param inProgressExpiresAt see the record description
     * @param payloadHash see the record description
     * @param ownerToken see the record description
     * @param result see the record description
     */
    public IdempotencyRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(ownerToken, "ownerToken");
        if (status == RecordStatus.IN_PROGRESS && inProgressExpiresAt == null) {
            throw new IllegalArgumentException("an IN_PROGRESS record needs inProgressExpiresAt (record " + id + ")");
        }
        if (status == RecordStatus.COMPLETED && result == null) {
            throw new IllegalArgumentException("a COMPLETED record needs a result (record " + id + ")");
        }
    }

    /**
     * Whether the record no longer counts at {@code now} (its TTL has passed, whether or not it was swept yet).
     *
     * @param now the current time
     * @return true when {@code expiresAt} is before {@code now}
     */
    public boolean isExpired(Instant now) {
        return expiresAt.isBefore(now);
    }

    /**
     * A completed copy of this claim holding {@code outcome}.
     *
     * @param outcome the stored result
     * @return a new record with status {@link RecordStatus#COMPLETED}
     */
    public IdempotencyRecord complete(StoredResult outcome) {
        return new IdempotencyRecord(id, RecordStatus.COMPLETED, expiresAt, null, payloadHash, ownerToken, outcome);
    }
}
