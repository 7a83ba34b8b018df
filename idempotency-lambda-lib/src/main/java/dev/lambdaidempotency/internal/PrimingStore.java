package dev.lambdaidempotency.internal;

import dev.lambdaidempotency.spi.ClaimResult;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.spi.RecordStatus;
import dev.lambdaidempotency.spi.RenewResult;
import dev.lambdaidempotency.spi.StoredResult;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The protocol's store while priming: a map in memory, seeded with completed sample records. */
final class PrimingStore implements IdempotencyStore {
    private final Map<String, IdempotencyRecord> records = new ConcurrentHashMap<>();

    void seed(String id, String json, Instant now) {
        records.put(id, new IdempotencyRecord(id, RecordStatus.COMPLETED, now.plusSeconds(3600), null, null,
                "prime-owner", new StoredResult.Inline(json)));
    }

    @Override
    public ClaimResult claim(IdempotencyRecord claim, Instant now) {
        IdempotencyRecord existing = records.putIfAbsent(claim.id(), claim);
        return existing == null ? new ClaimResult.Claimed(null) : new ClaimResult.Existing(existing);
    }

    @Override
    public RenewResult renew(IdempotencyRecord claim, Instant now) {
        IdempotencyRecord existing = records.get(claim.id());
        if (existing == null) {
            return new RenewResult.Absent();
        }
        if (existing.status() != RecordStatus.IN_PROGRESS || !existing.ownerToken().equals(claim.ownerToken())) {
            return new RenewResult.Refused(existing);
        }
        records.put(claim.id(), claim);
        return new RenewResult.Renewed(claim.inProgressExpiresAt());
    }

    @Override
    public void complete(IdempotencyRecord completedRecord) {
        records.put(completedRecord.id(), completedRecord);
    }

    @Override
    public void release(String id, String ownerToken) {
        records.remove(id);
    }
}
