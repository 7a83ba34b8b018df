package dev.lambdaidempotency.spi;

import java.time.Instant;

/**
 * Persistence of idempotency records: a claim, then exactly one of complete or release.
 *
 * <p>Implementations must be thread-safe and atomic per record: of any number of concurrent claims on the same id,
 * at most one succeeds. Every failure to reach the store is reported as
 * {@link dev.lambdaidempotency.IdempotencyStoreException} with the cause attached.
 */
public interface IdempotencyStore {

    /**
     * Atomically writes {@code claim} (an {@link RecordStatus#IN_PROGRESS} record) if the id is free: no record, an
     * expired record ({@code expiresAt} before {@code now}), or an in-progress record whose
     * {@code inProgressExpiresAt} is before {@code now}. Otherwise returns the record that blocked the claim, read in
     * the same request.
     *
     * <p>A claim that the store already holds with the same owner token (a retried request whose first attempt was
     * applied) counts as {@link ClaimResult.Claimed}.
     *
     * @param claim the in-progress record to write
     * @param now   the current time, as the caller's clock sees it
     * @return whether the caller owns the record, or what blocks it
     * @throws dev.lambdaidempotency.IdempotencyStoreException      when the store cannot be reached or refuses
     * @throws dev.lambdaidempotency.IdempotencyRecordUnreadableException when the blocking record cannot be decoded
     */
    ClaimResult claim(IdempotencyRecord claim, Instant now);

    /**
     * Extends the caller's in-progress claim, fenced by its owner token: writes {@code claim.inProgressExpiresAt()}
     * (the new lease) and {@code claim.expiresAt()} (the record's expiry, which callers compute no earlier than the
     * stored one) in one atomic step, only if the stored record is {@link RecordStatus#IN_PROGRESS}, carries
     * {@code claim.ownerToken()} and has not expired ({@code expiresAt}'s second before {@code now}'s, as for
     * {@link #claim}). A lapsed lease of the caller's that nobody took over is renewed too. A lease is never
     * shortened: when the stored one is already as late, nothing is written and the answer is still
     * {@link RenewResult.Renewed}, with the stored lease.
     *
     * <p>Unlike {@link #claim}, a renewal never creates a record: an absent or expired record answers
     * {@link RenewResult.Absent}, so that work handed over under a claim that was released, swept, or never issued
     * does not run. A completed record or another owner's claim answers {@link RenewResult.Refused} with that
     * record, read in the same request.
     *
     * <p>The default implementation throws {@link UnsupportedOperationException}: a store written before this method
     * existed keeps working for everything but deferred execution
     * ({@link dev.lambdaidempotency.IdempotentOperation#resume}), which needs it.
     *
     * @param claim the caller's claim: its id and owner token, with the new lease and record expiry
     * @param now   the current time, as the caller's clock sees it
     * @return whether the claim is still the caller's (and now holds until when), what holds the id, or nothing
     * @throws UnsupportedOperationException                        when the store does not implement renewal
     * @throws dev.lambdaidempotency.IdempotencyStoreException      when the store cannot be reached or refuses
     * @throws dev.lambdaidempotency.IdempotencyRecordUnreadableException when the refusing record cannot be decoded
     */
    default RenewResult renew(IdempotencyRecord claim, Instant now) {
        throw new UnsupportedOperationException(getClass().getName() + " does not implement renew(IdempotencyRecord, "
                + "Instant), which deferred execution (IdempotentOperation.resume, the asynchronous HTTP mode) needs "
                + "to extend a handed-over claim; implement it, or use a store that does");
    }

    /**
     * Replaces the caller's in-progress claim with {@code completed}, in one write, only if the stored record is
     * still {@link RecordStatus#IN_PROGRESS} and carries {@code completed.ownerToken()} (the fence), or if there is
     * no record at all. A claim that vanished while the operation ran (the TTL sweeper, an operator's delete) is
     * owned by nobody else, and the operation has already run: its result is written rather than thrown away.
     *
     * <p>If the store already holds exactly this completion (a retried request whose first attempt was applied), the
     * call succeeds.
     *
     * @param completed the completed record (same id and owner token as the claim)
     * @throws dev.lambdaidempotency.IdempotencyClaimLostException when another owner holds the record
     * @throws dev.lambdaidempotency.IdempotencyStoreException     when the store cannot be reached or refuses
     */
    void complete(IdempotencyRecord completed);

    /**
     * Deletes the caller's in-progress claim so that a retry can run, only if the stored record is still
     * {@link RecordStatus#IN_PROGRESS} and carries {@code ownerToken}. A record that is already gone counts as
     * released.
     *
     * @param id         the record id
     * @param ownerToken the caller's claim token
     * @throws dev.lambdaidempotency.IdempotencyClaimLostException when another owner holds the record
     * @throws dev.lambdaidempotency.IdempotencyStoreException     when the store cannot be reached or refuses
     */
    void release(String id, String ownerToken);

    /**
     * The largest serialized result, in UTF-8 bytes, that fits inside a record next to its other attributes. Larger
     * results go to a {@link ResultStore}, or are recorded as unavailable when none is configured.
     *
     * @return the limit; unlimited by default
     */
    default int maxInlineResultBytes() {
        return Integer.MAX_VALUE;
    }

    /**
     * Warms this store's in-memory code paths (building requests, encoding and decoding records) so that the first
     * request after a SnapStart restore does not pay for loading and initializing them. Called by
     * {@link dev.lambdaidempotency.Idempotency#prime()}, typically just before the snapshot. Implementations must not
     * perform any I/O and must not change what the store holds; priming is best effort, so a failure may be thrown
     * and is logged by the caller.
     *
     * <p>Does nothing by default.
     */
    default void prime() {
    }
}
