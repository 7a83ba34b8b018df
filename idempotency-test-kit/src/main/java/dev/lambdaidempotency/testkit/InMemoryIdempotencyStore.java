package dev.lambdaidempotency.testkit;

import dev.lambdaidempotency.IdempotencyClaimLostException;
import dev.lambdaidempotency.spi.ClaimResult;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.spi.RecordStatus;
import dev.lambdaidempotency.spi.RenewResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A thread-safe, in-memory {@link IdempotencyStore} with the DynamoDB store's semantics (second-precision record
 * expiry, millisecond-precision claim expiry, owner-token fencing, and the same 400 KB inline limit), for fast unit
 * tests of handlers. The contract tests run it side by side with the DynamoDB store.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {
    private final Map<String, IdempotencyRecord> records = new ConcurrentHashMap<>();
    private final int maxInlineResultBytes;

    /** A store with DynamoDB's inline limit. */
    public InMemoryIdempotencyStore() {
        this(400 * 1024 - 2048);
    }

    /**
     * A store with a custom inline limit.
     *
     * @param maxInlineResultBytes largest inline result in bytes
     */
    public InMemoryIdempotencyStore(int maxInlineResultBytes) {
        this.maxInlineResultBytes = maxInlineResultBytes;
    }

    @Override
    public ClaimResult claim(IdempotencyRecord claim, Instant now) {
        AtomicReference<ClaimResult> result = new AtomicReference<>();
        records.compute(claim.id(), (id, current) -> {
            if (current == null || claimable(current, now)) {
                result.set(new ClaimResult.Claimed(current));
                return claim;
            }
            if (current.status() == RecordStatus.IN_PROGRESS && current.ownerToken().equals(claim.ownerToken())) {
                result.set(new ClaimResult.Claimed(null));
                return current;
            }
            result.set(new ClaimResult.Existing(current));
            return current;
        });
        return result.get();
    }

    private static boolean claimable(IdempotencyRecord current, Instant now) {
        return current.expiresAt().getEpochSecond() < now.getEpochSecond()
                || current.status() == RecordStatus.IN_PROGRESS
                        && current.inProgressExpiresAt().toEpochMilli() < now.toEpochMilli();
    }

    @Override
    public RenewResult renew(IdempotencyRecord claim, Instant now) {
        AtomicReference<RenewResult> result = new AtomicReference<>();
        records.compute(claim.id(), (id, current) -> {
            if (current == null || current.expiresAt().getEpochSecond() < now.getEpochSecond()) {
                result.set(new RenewResult.Absent());
                return current;
            }
            if (current.status() != RecordStatus.IN_PROGRESS || !current.ownerToken().equals(claim.ownerToken())) {
                result.set(new RenewResult.Refused(current));
                return current;
            }
            if (current.inProgressExpiresAt().toEpochMilli() >= claim.inProgressExpiresAt().toEpochMilli()) {
                result.set(new RenewResult.Renewed(current.inProgressExpiresAt()));
                return current; // never shortened
            }
            result.set(new RenewResult.Renewed(claim.inProgressExpiresAt()));
            return new IdempotencyRecord(id, RecordStatus.IN_PROGRESS, claim.expiresAt(),
                    claim.inProgressExpiresAt(), current.payloadHash(), current.ownerToken(), null);
        });
        return result.get();
    }

    @Override
    public void complete(IdempotencyRecord completed) {
        records.compute(completed.id(), (id, current) -> {
            if (current == null || current.status() == RecordStatus.IN_PROGRESS
                    && current.ownerToken().equals(completed.ownerToken())) {
                return completed;   // still ours, or gone (swept, deleted) and so owned by nobody else
            }
            if (current != null && current.status() == RecordStatus.COMPLETED
                    && current.ownerToken().equals(completed.ownerToken())) {
                return current;
            }
            throw new IdempotencyClaimLostException("the claim on " + id + " is now held by another invocation",
                    id);
        });
    }

    @Override
    public void release(String id, String ownerToken) {
        records.compute(id, (key, current) -> {
            if (current == null) {
                return null;
            }
            if (current.status() == RecordStatus.IN_PROGRESS && current.ownerToken().equals(ownerToken)) {
                return null;
            }
            throw new IdempotencyClaimLostException("the claim on " + id + " is now held by another invocation", id);
        });
    }

    @Override
    public int maxInlineResultBytes() {
        return maxInlineResultBytes;
    }

    /**
     * The record stored under {@code id}.
     *
     * @param id the record id
     * @return the record, if any (expired records stay until overwritten, as in DynamoDB before the TTL sweep)
     */
    public Optional<IdempotencyRecord> get(String id) {
        return Optional.ofNullable(records.get(id));
    }

    /**
     * A snapshot of every record.
     *
     * @return id to record
     */
    public Map<String, IdempotencyRecord> records() {
        return Map.copyOf(records);
    }

    /**
     * Stores {@code record} as is (to set up a test scenario, such as a corrupt or foreign record).
     *
     * @param record the record to write
     */
    public void put(IdempotencyRecord record) {
        records.put(record.id(), record);
    }

    /**
     * Deletes the records that have expired by {@code now}, as DynamoDB's TTL sweeper eventually does: those whose
     * expiry, in epoch seconds, is before {@code now}'s.
     *
     * @param now the sweeper's time
     * @return the ids of the deleted records
     */
    public List<String> removeExpired(Instant now) {
        List<String> removed = new ArrayList<>();
        for (String id : records.keySet()) {
            records.computeIfPresent(id, (key, current) -> {
                if (current.expiresAt().getEpochSecond() < now.getEpochSecond()) {
                    removed.add(key);
                    return null;
                }
                return current;
            });
        }
        return removed;
    }

    /** Deletes every record. */
    public void clear() {
        records.clear();
    }
}
