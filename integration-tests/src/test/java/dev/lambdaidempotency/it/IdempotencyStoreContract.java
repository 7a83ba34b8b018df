package dev.lambdaidempotency.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lambdaidempotency.IdempotencyClaimLostException;
import dev.lambdaidempotency.spi.ClaimResult;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.spi.RecordStatus;
import dev.lambdaidempotency.spi.RenewResult;
import dev.lambdaidempotency.spi.ResultPointer;
import dev.lambdaidempotency.spi.StoredResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link IdempotencyStore} contract, run against every implementation: the DynamoDB store on DynamoDB Local
 * and the test kit's in-memory store, which must behave identically (same conditions at the same precision, same
 * fencing, same handling of a retried request of one's own).
 */
abstract class IdempotencyStoreContract {
    /** 00:00:00.250 — every instant below has a sub-second part, so that precision shows. */
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00.250Z");
    static final String ID = "contract-fn#3f1c";

    private IdempotencyStore store;

    /**
     * A store on fresh, empty storage.
     *
     * @return the store
     */
    protected abstract IdempotencyStore newStore();

    @BeforeEach
    void setUp() {
        store = newStore();
    }

    static String owner() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    static IdempotencyRecord claim(String id, String owner, Instant expiresAt, Instant claimExpiresAt) {
        return new IdempotencyRecord(id, RecordStatus.IN_PROGRESS, expiresAt, claimExpiresAt, "hash-1", owner, null);
    }

    /** A claim made at {@code now}: record valid for an hour, claim held for 15 minutes. */
    static IdempotencyRecord claimAt(String id, String owner, Instant now) {
        return claim(id, owner, now.plus(Duration.ofHours(1)), now.plus(Duration.ofMinutes(15)));
    }

    /** What any store can keep of a record: expiry in seconds, claim expiry in milliseconds. */
    static IdempotencyRecord atStoragePrecision(IdempotencyRecord r) {
        return r == null ? null : new IdempotencyRecord(r.id(), r.status(), Instant.ofEpochSecond(
                r.expiresAt().getEpochSecond()), r.inProgressExpiresAt() == null ? null
                        : Instant.ofEpochMilli(r.inProgressExpiresAt().toEpochMilli()), r.payloadHash(),
                r.ownerToken(), r.result());
    }

    private IdempotencyRecord claimed(IdempotencyRecord claim, Instant now) {
        ClaimResult result = store.claim(claim, now);
        return atStoragePrecision(assertInstanceOf(ClaimResult.Claimed.class, result, "claim at " + now).replaced());
    }

    private IdempotencyRecord refused(IdempotencyRecord claim, Instant now) {
        ClaimResult result = store.claim(claim, now);
        return atStoragePrecision(assertInstanceOf(ClaimResult.Existing.class, result, "claim at " + now)
                .existing());
    }

    /** Reads the live record without changing it: a claim by a stranger is refused and returns it. */
    private IdempotencyRecord current(String id, Instant now) {
        ClaimResult result = store.claim(claimAt(id, owner(), now), now);
        if (result instanceof ClaimResult.Existing existing) {
            return atStoragePrecision(existing.existing());
        }
        fail("expected a live record under " + id + " at " + now + ", but it was free: " + result);
        return null;
    }

    /** Proves that no live record exists, leaving none behind. */
    private void assertFree(String id, Instant now) {
        String probe = owner();
        ClaimResult result = store.claim(claimAt(id, probe, now), now);
        assertInstanceOf(ClaimResult.Claimed.class, result, "expected no live record under " + id);
        store.release(id, probe);
    }

    @Test
    void aFreeIdIsClaimedWithNothingReplaced() {
        assertNull(claimed(claimAt(ID, owner(), T0), T0));
    }

    @Test
    void aLiveClaimBlocksOthersAndIsReturnedAsStored() {
        IdempotencyRecord a = claimAt(ID, owner(), T0);
        claimed(a, T0);
        assertEquals(atStoragePrecision(a), refused(claimAt(ID, owner(), T0), T0));
        assertEquals(atStoragePrecision(a), refused(claimAt(ID, owner(), T0.plusSeconds(60)), T0.plusSeconds(60)));
    }

    @Test
    void idsAreIndependent() {
        claimed(claimAt(ID, owner(), T0), T0);
        assertNull(claimed(claimAt(ID + "x", owner(), T0), T0));
        assertNull(claimed(claimAt("other-fn#3f1c", owner(), T0), T0));
    }

    @Test
    void aRecordExpiresAtSecondPrecision() {
        String owner = owner();
        Instant expiresAt = Instant.parse("2030-01-01T00:00:10.900Z");
        IdempotencyRecord completed = claim(ID, owner, expiresAt, T0.plusSeconds(5))
                .complete(new StoredResult.Inline("\"done\""));
        claimed(claim(ID, owner, expiresAt, T0.plusSeconds(5)), T0);
        store.complete(completed);

        Instant sameSecondButLater = Instant.parse("2030-01-01T00:00:10.950Z");
        assertEquals(atStoragePrecision(completed), refused(claimAt(ID, owner(), sameSecondButLater),
                sameSecondButLater), "the expiry is kept in whole seconds: it still counts during its second");
        Instant lastMoment = Instant.parse("2030-01-01T00:00:10.999999999Z");
        refused(claimAt(ID, owner(), lastMoment), lastMoment);
        Instant nextSecond = Instant.parse("2030-01-01T00:00:11Z");
        assertEquals(atStoragePrecision(completed), claimed(claimAt(ID, owner(), nextSecond), nextSecond),
                "an expired record is replaced and handed back");
    }

    @Test
    void aClaimLapsesAtMillisecondPrecision() {
        Instant claimExpiresAt = Instant.parse("2030-01-01T00:00:01.250999Z");
        IdempotencyRecord a = claim(ID, owner(), T0.plus(Duration.ofHours(1)), claimExpiresAt);
        claimed(a, T0);
        Instant sameMillisecond = Instant.parse("2030-01-01T00:00:01.250999999Z");
        refused(claimAt(ID, owner(), sameMillisecond), sameMillisecond);
        Instant nextMillisecond = Instant.parse("2030-01-01T00:00:01.251Z");
        IdempotencyRecord b = claimAt(ID, owner(), nextMillisecond);
        assertEquals(atStoragePrecision(a), claimed(b, nextMillisecond), "the lapsed claim is handed back");
        assertEquals(atStoragePrecision(b), current(ID, nextMillisecond));
    }

    @Test
    void aCompletedRecordDoesNotLapseWithTheClaim() {
        String owner = owner();
        IdempotencyRecord a = claimAt(ID, owner, T0);
        claimed(a, T0);
        store.complete(a.complete(new StoredResult.Inline("1")));
        Instant afterClaimExpiry = T0.plus(Duration.ofMinutes(30));
        assertEquals(RecordStatus.COMPLETED, refused(claimAt(ID, owner(), afterClaimExpiry), afterClaimExpiry)
                .status());
    }

    @Test
    void anInProgressRecordPastItsRecordExpiryIsFreeEvenIfItsClaimIsNot() {
        IdempotencyRecord a = claim(ID, owner(), T0.plusSeconds(10), T0.plus(Duration.ofHours(2)));
        claimed(a, T0);
        Instant later = T0.plusSeconds(11);
        assertEquals(atStoragePrecision(a), claimed(claimAt(ID, owner(), later), later));
    }

    @Test
    void completionReplacesTheClaimWithTheOutcome() {
        String owner = owner();
        for (StoredResult result : List.of(new StoredResult.Inline("{\"id\":\"o-1\",\"lines\":[1,2]}"),
                new StoredResult.Offloaded(new ResultPointer("bucket", "results/x", 123_456, "ab".repeat(32),
                        "application/json", "gzip")),
                new StoredResult.Unavailable("too large"))) {
            String id = ID + result.getClass().getSimpleName();
            IdempotencyRecord claim = claimAt(id, owner, T0);
            claimed(claim, T0);
            store.complete(claim.complete(result));
            IdempotencyRecord stored = current(id, T0.plusSeconds(1));
            assertEquals(atStoragePrecision(claim.complete(result)), stored);
            assertNull(stored.inProgressExpiresAt());
        }
    }

    @Test
    void aRecordWithoutPayloadHashStaysWithout() {
        IdempotencyRecord a = new IdempotencyRecord(ID, RecordStatus.IN_PROGRESS, T0.plusSeconds(60),
                T0.plusSeconds(30), null, owner(), null);
        claimed(a, T0);
        assertNull(current(ID, T0).payloadHash());
    }

    @Test
    void onlyTheOwnerCanComplete() {
        IdempotencyRecord a = claimAt(ID, owner(), T0);
        claimed(a, T0);
        IdempotencyRecord forged = claimAt(ID, owner(), T0).complete(new StoredResult.Inline("\"forged\""));
        IdempotencyClaimLostException e = assertThrows(IdempotencyClaimLostException.class,
                () -> store.complete(forged));
        assertEquals(ID, e.recordId());
        assertEquals(atStoragePrecision(a), current(ID, T0), "the owner's claim is untouched");
    }

    @Test
    void onlyTheOwnerCanRelease() {
        IdempotencyRecord a = claimAt(ID, owner(), T0);
        claimed(a, T0);
        IdempotencyClaimLostException e = assertThrows(IdempotencyClaimLostException.class,
                () -> store.release(ID, owner()));
        assertEquals(ID, e.recordId());
        assertEquals(atStoragePrecision(a), current(ID, T0));
    }

    @Test
    void aStaleOwnerIsFencedOffAfterATakeover() {
        String stale = owner();
        IdempotencyRecord a = claim(ID, stale, T0.plus(Duration.ofHours(1)), T0.plusSeconds(1));
        claimed(a, T0);
        Instant later = T0.plusSeconds(2);
        IdempotencyRecord b = claimAt(ID, owner(), later);
        assertEquals(atStoragePrecision(a), claimed(b, later));

        assertThrows(IdempotencyClaimLostException.class,
                () -> store.complete(a.complete(new StoredResult.Inline("\"stale\""))));
        assertThrows(IdempotencyClaimLostException.class, () -> store.release(ID, stale));
        assertEquals(atStoragePrecision(b), current(ID, later), "the new owner's claim is untouched");

        store.complete(b.complete(new StoredResult.Inline("\"fresh\"")));
        assertThrows(IdempotencyClaimLostException.class, () -> store.release(ID, stale));
        assertThrows(IdempotencyClaimLostException.class,
                () -> store.complete(a.complete(new StoredResult.Inline("\"stale\""))));
        assertEquals(new StoredResult.Inline("\"fresh\""), current(ID, later).result());
    }

    @Test
    void completingARecordThatIsGoneWritesIt() {
        // the claim vanished (TTL sweep, an operator's delete) and nobody else owns the key: the operation ran, so
        // its result is recorded rather than thrown away (issue 9, bug 3)
        IdempotencyRecord a = claimAt(ID, owner(), T0);
        IdempotencyRecord done = a.complete(new StoredResult.Inline("1"));
        store.complete(done);
        assertEquals(atStoragePrecision(done), current(ID, T0));
        store.complete(done);   // a retried completion whose first attempt was applied
        assertEquals(atStoragePrecision(done), current(ID, T0));
    }

    @Test
    void completingARecordThatIsGoneAndReclaimedIsAClaimLost() {
        IdempotencyRecord a = claimAt(ID, owner(), T0);
        IdempotencyRecord b = claimAt(ID, owner(), T0);
        claimed(b, T0);
        assertEquals(ID, assertThrows(IdempotencyClaimLostException.class,
                () -> store.complete(a.complete(new StoredResult.Inline("1")))).recordId());
        assertEquals(atStoragePrecision(b), current(ID, T0));
    }

    @Test
    void releaseDeletesTheClaim() {
        String owner = owner();
        claimed(claimAt(ID, owner, T0), T0);
        store.release(ID, owner);
        assertNull(claimed(claimAt(ID, owner(), T0), T0), "nothing left to replace");
    }

    @Test
    void releasingWhatIsGoneIsANoOp() {
        store.release(ID, owner());
        String owner = owner();
        claimed(claimAt(ID, owner, T0), T0);
        store.release(ID, owner);
        store.release(ID, owner);   // a retried release whose first attempt was applied
        assertFree(ID, T0);
    }

    @Test
    void aCompletedRecordCannotBeReleased() {
        String owner = owner();
        IdempotencyRecord a = claimAt(ID, owner, T0);
        claimed(a, T0);
        store.complete(a.complete(new StoredResult.Inline("1")));
        assertThrows(IdempotencyClaimLostException.class, () -> store.release(ID, owner));
        assertEquals(RecordStatus.COMPLETED, current(ID, T0).status());
    }

    @Test
    void aRepeatedClaimOfOnesOwnIsClaimedAndChangesNothing() {
        String owner = owner();
        IdempotencyRecord a = claimAt(ID, owner, T0);
        claimed(a, T0);
        // the same request sent again (an SDK retry after a lost response): still ours, nothing replaced
        assertNull(claimed(a, T0.plusMillis(5)));
        assertEquals(atStoragePrecision(a), current(ID, T0.plusMillis(5)));
    }

    @Test
    void aRepeatedCompletionOfOnesOwnSucceeds() {
        String owner = owner();
        IdempotencyRecord a = claimAt(ID, owner, T0);
        claimed(a, T0);
        IdempotencyRecord done = a.complete(new StoredResult.Inline("\"ok\""));
        store.complete(done);
        store.complete(done);   // a retried completion whose first attempt was applied
        assertEquals(atStoragePrecision(done), current(ID, T0));
    }

    @Test
    void aClaimOfOnesOwnAfterCompletionSeesTheCompletedRecord() {
        String owner = owner();
        IdempotencyRecord a = claimAt(ID, owner, T0);
        claimed(a, T0);
        store.complete(a.complete(new StoredResult.Inline("\"ok\"")));
        assertEquals(RecordStatus.COMPLETED, refused(a, T0).status());
    }

    @Test
    void ofConcurrentClaimsExactlyOneWins() throws Exception {
        int callers = 16;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            for (int round = 0; round < 20; round++) {
                String id = ID + "-race-" + round;
                CyclicBarrier start = new CyclicBarrier(callers);
                List<Future<ClaimResult>> results = new ArrayList<>();
                for (int i = 0; i < callers; i++) {
                    results.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return store.claim(claimAt(id, owner(), T0), T0);
                    }));
                }
                int winners = 0;
                for (Future<ClaimResult> result : results) {
                    winners += result.get(10, TimeUnit.SECONDS) instanceof ClaimResult.Claimed ? 1 : 0;
                }
                assertEquals(1, winners, "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- renew: the fenced extension of one's claim

    /** {@code claim} with a new lease and record expiry, as a renewal asks for them. */
    static IdempotencyRecord renewalOf(IdempotencyRecord claim, Instant expiresAt, Instant leaseExpiresAt) {
        return claim(claim.id(), claim.ownerToken(), expiresAt, leaseExpiresAt);
    }

    @Test
    void renewalExtendsTheOwnersLiveClaimAndItsRecord() {
        IdempotencyRecord a = claimAt(ID, owner(), T0);
        claimed(a, T0);
        Instant lease = T0.plus(Duration.ofMinutes(20)).plusMillis(1);
        IdempotencyRecord renewal = renewalOf(a, T0.plus(Duration.ofHours(2)), lease);
        Instant now = T0.plusSeconds(60);
        assertEquals(new RenewResult.Renewed(lease), store.renew(renewal, now));
        Instant afterOldLease = T0.plus(Duration.ofMinutes(16));
        assertEquals(atStoragePrecision(renewal), refused(claimAt(ID, owner(), afterOldLease), afterOldLease),
                "the claim holds until the new lease, and the record until its new expiry");
        Instant afterNewLease = lease.plusMillis(1);
        assertEquals(atStoragePrecision(renewal), claimed(claimAt(ID, owner(), afterNewLease), afterNewLease));
    }

    @Test
    void aLapsedClaimOfOnesOwnThatNobodyTookOverIsRenewed() {
        IdempotencyRecord a = claim(ID, owner(), T0.plus(Duration.ofHours(1)), T0.plusSeconds(1));
        claimed(a, T0);
        Instant now = T0.plusSeconds(5);
        Instant lease = now.plus(Duration.ofMinutes(2));
        assertEquals(new RenewResult.Renewed(lease), store.renew(renewalOf(a, a.expiresAt(), lease), now));
        refused(claimAt(ID, owner(), now.plusSeconds(60)), now.plusSeconds(60));
    }

    @Test
    void aLeaseIsNeverShortened() {
        IdempotencyRecord a = claimAt(ID, owner(), T0);
        claimed(a, T0);
        assertEquals(new RenewResult.Renewed(atStoragePrecision(a).inProgressExpiresAt()),
                store.renew(renewalOf(a, T0.plus(Duration.ofHours(1)), T0.plusSeconds(30)), T0));
        assertEquals(atStoragePrecision(a), current(ID, T0.plus(Duration.ofMinutes(14))), "nothing was written");
    }

    @Test
    void anotherOwnersClaimRefusesTheRenewalAndIsReturnedUnchanged() {
        IdempotencyRecord a = claimAt(ID, owner(), T0);
        claimed(a, T0);
        IdempotencyRecord stranger = claimAt(ID, owner(), T0);
        RenewResult result = store.renew(renewalOf(stranger, T0.plus(Duration.ofHours(3)),
                T0.plus(Duration.ofHours(2))), T0);
        assertEquals(atStoragePrecision(a), atStoragePrecision(assertInstanceOf(RenewResult.Refused.class, result)
                .existing()));
        assertEquals(atStoragePrecision(a), current(ID, T0));
    }

    @Test
    void aStaleOwnerCannotRenewAfterATakeover() {
        IdempotencyRecord a = claim(ID, owner(), T0.plus(Duration.ofHours(1)), T0.plusSeconds(1));
        claimed(a, T0);
        Instant later = T0.plusSeconds(2);
        IdempotencyRecord b = claimAt(ID, owner(), later);
        claimed(b, later);
        RenewResult result = store.renew(renewalOf(a, T0.plus(Duration.ofHours(2)), later.plusSeconds(600)), later);
        assertEquals(atStoragePrecision(b), atStoragePrecision(assertInstanceOf(RenewResult.Refused.class, result)
                .existing()));
    }

    @Test
    void aCompletedRecordRefusesTheRenewalEvenOfItsOwner() {
        IdempotencyRecord a = claimAt(ID, owner(), T0);
        claimed(a, T0);
        IdempotencyRecord completed = a.complete(new StoredResult.Inline("\"done\""));
        store.complete(completed);
        RenewResult result = store.renew(renewalOf(a, T0.plus(Duration.ofHours(2)), T0.plus(Duration.ofHours(1))),
                T0.plusSeconds(1));
        assertEquals(atStoragePrecision(completed), atStoragePrecision(
                assertInstanceOf(RenewResult.Refused.class, result).existing()));
        assertEquals(atStoragePrecision(completed), current(ID, T0.plusSeconds(2)));
    }

    @Test
    void renewingWhatIsAbsentIsAbsentAndCreatesNothing() {
        IdempotencyRecord neverIssued = claimAt(ID, owner(), T0);
        assertEquals(new RenewResult.Absent(), store.renew(neverIssued, T0));
        assertFree(ID, T0);
    }

    @Test
    void aReleasedClaimCannotBeRenewed() {
        IdempotencyRecord a = claimAt(ID, owner(), T0);
        claimed(a, T0);
        store.release(ID, a.ownerToken());
        assertEquals(new RenewResult.Absent(), store.renew(a, T0.plusSeconds(1)));
        assertFree(ID, T0.plusSeconds(1));
    }

    @Test
    void anExpiredClaimOfOnesOwnIsAbsentAtSecondPrecision() {
        IdempotencyRecord a = claim(ID, owner(), Instant.parse("2030-01-01T00:00:10.900Z"),
                T0.plus(Duration.ofHours(2)));
        claimed(a, T0);
        IdempotencyRecord renewal = renewalOf(a, T0.plus(Duration.ofHours(3)), T0.plus(Duration.ofHours(3)));
        Instant lastMoment = Instant.parse("2030-01-01T00:00:10.999Z");
        assertInstanceOf(RenewResult.Renewed.class, store.renew(renewal, lastMoment));
        IdempotencyRecord b = claim(ID + "b", owner(), Instant.parse("2030-01-01T00:00:10.900Z"),
                T0.plus(Duration.ofHours(2)));
        claimed(b, T0);
        Instant nextSecond = Instant.parse("2030-01-01T00:00:11Z");
        assertEquals(new RenewResult.Absent(), store.renew(renewalOf(b, T0.plus(Duration.ofHours(3)),
                T0.plus(Duration.ofHours(3))), nextSecond));
        assertFree(ID + "b", nextSecond);
    }

    @Test
    void inlineResultsMayUseTheDynamoDbItemLimitLessOverhead() {
        assertEquals(400 * 1024 - 2048, store.maxInlineResultBytes());
    }
}
