package dev.lambdaidempotency.spi;

import java.time.Instant;
import java.util.Objects;

/** The answer to {@link IdempotencyStore#renew(IdempotencyRecord, Instant)}. */
public sealed interface RenewResult {

    /**
     * The claim is still the caller's and now holds until {@code leaseExpiresAt}: the caller may run the operation.
     *
     * @param leaseExpiresAt the claim's lease as the store now holds it: the renewal's, or a later one that was
     *                       already stored (a lease is never shortened)
     */
    record Renewed(Instant leaseExpiresAt) implements RenewResult {
        /**
         * Validates that the lease is present.
         *
         * @param leaseExpiresAt see the record description
         */
        public Renewed {
            Objects.requireNonNull(leaseExpiresAt, "leaseExpiresAt");
        }
    }

    /**
     * A live record that is not the caller's in-progress claim holds the id (a completed record, or another owner's
     * claim); nothing was written.
     *
     * @param existing the record as the store held it when the renewal was refused
     */
    record Refused(IdempotencyRecord existing) implements RenewResult {
        /**
         * Validates that the record is present.
         *
         * @param existing see the record description
         */
        public Refused {
            Objects.requireNonNull(existing, "existing");
        }
    }

    /**
     * No live record holds the id (none at all, or an expired one): the claim is gone, and nothing was written. The
     * caller must not run the operation: the claim was released, swept, or never issued.
     */
    record Absent() implements RenewResult {
    }
}
