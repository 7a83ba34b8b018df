package dev.lambdaidempotency.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdaidempotency.IdempotencyRecordUnreadableException;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.RecordStatus;
import dev.lambdaidempotency.spi.ResultPointer;
import dev.lambdaidempotency.spi.StoredResult;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hash format of a record: field names, precisions, and what an unreadable hash is. */
class RecordHashTest {
    static final String ID = "payments#" + "ab".repeat(32);
    static final Instant EXPIRES = Instant.parse("2030-01-01T01:00:00.900Z");
    static final Instant LEASE = Instant.parse("2030-01-01T00:15:00.250999Z");
    static final IdempotencyRecord CLAIM = new IdempotencyRecord(ID, RecordStatus.IN_PROGRESS, EXPIRES, LEASE,
            "hash-1", "owner-1", null);

    @Test
    void aClaimIsWrittenAsTheseFieldsInWholeSecondsAndMilliseconds() {
        assertEquals(List.of("status", "IN_PROGRESS", "expiration", "1893459600", "owner", "owner-1",
                "in_progress_expiration", "1893456900250", "validation", "hash-1"), RecordHash.encode(CLAIM));
    }

    @Test
    void theKeyExpiresAtTheEndOfTheRecordsLastSecond() {
        assertEquals(1_893_459_601_000L, RecordHash.expireAtMillis(CLAIM));
    }

    @Test
    void everyKindOfRecordReadsBackAtStoragePrecision() {
        for (IdempotencyRecord record : List.of(CLAIM,
                CLAIM.complete(new StoredResult.Inline("{\"a\":[1,2]}")),
                CLAIM.complete(new StoredResult.Offloaded(new ResultPointer("b", "results/x", 42, "cd".repeat(32),
                        "application/json", "gzip"))),
                CLAIM.complete(new StoredResult.Unavailable("too large")),
                new IdempotencyRecord(ID, RecordStatus.IN_PROGRESS, EXPIRES, LEASE, null, "o", null))) {
            IdempotencyRecord read = RecordHash.decode(ID, RecordHash.encode(record));
            assertEquals(new IdempotencyRecord(ID, record.status(), Instant.ofEpochSecond(EXPIRES.getEpochSecond()),
                    record.inProgressExpiresAt() == null ? null : Instant.ofEpochMilli(LEASE.toEpochMilli()),
                    record.payloadHash(), record.ownerToken(), record.result()), read);
        }
    }

    @Test
    void anUnreadableHashNamesTheRecordAndTheReason() {
        IdempotencyRecordUnreadableException missing = assertThrows(IdempotencyRecordUnreadableException.class,
                () -> RecordHash.decode(ID, List.of("status", "COMPLETED", "expiration", "1", "owner", "o")));
        assertEquals(ID, missing.recordId());
        assertTrue(missing.getMessage().contains("none of data"), missing.getMessage());
        assertThrows(IdempotencyRecordUnreadableException.class,
                () -> RecordHash.decode(ID, List.of("status", "DONE", "expiration", "1", "owner", "o")));
        assertThrows(IdempotencyRecordUnreadableException.class,
                () -> RecordHash.decode(ID, List.of("status", "IN_PROGRESS", "expiration", "x", "owner", "o")));
        assertNull(RecordHash.decodeLeniently(ID, List.of("status")));
    }
}
