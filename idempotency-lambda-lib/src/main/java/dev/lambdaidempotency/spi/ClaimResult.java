package dev.lambdaidempotency.spi;

import java.util.Objects;

/** The answer to {@link IdempotencyStore#claim(IdempotencyRecord, java.time.Instant)}. */
public sealed interface ClaimResult {

    /**
     * The caller now owns the record and must run the operation, then complete or release the claim.
     *
     * @param replaced the expired or lapsed record the claim overwrote, or {@code null} when the id was free
     */
    record Claimed(IdempotencyRecord replaced) implements ClaimResult {
    }

    /**
     * Another live record holds the id; nothing was written.
     *
     * @param existing the record as the store held it when the claim was refused
     */
    record Existing(IdempotencyRecord existing) implements ClaimResult {
        /**
         * Validates that the record is present.
         *
         * @param existing see the record description
         */
        public Existing {
            Objects.requireNonNull(existing, "existing");
        }
    }
}
