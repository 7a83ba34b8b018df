package dev.lambdaidempotency.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.lambdaidempotency.it.support.Postgres;
import dev.lambdaidempotency.postgres.PostgresIdempotencyStore;
import dev.lambdaidempotency.spi.ClaimResult;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.RecordStatus;
import dev.lambdaidempotency.spi.StoredResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The claim's one round trip under concurrency, made deterministic: another transaction writes the record and holds
 * it uncommitted, the claim is seen waiting for it in {@code pg_stat_activity}, then the other transaction commits.
 * The claim's snapshot was taken before that commit, so only a read under the row lock can return the record: the
 * upsert's {@code RETURNING} does, where the textbook {@code DO UPDATE ... WHERE} plus a {@code SELECT} of the same
 * statement (shown last) returns nothing at all.
 */
class PostgresClaimConcurrencyIntegrationTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final String ID = "concurrency-fn#" + "c".repeat(64);

    private final ExecutorService caller = Executors.newSingleThreadExecutor();
    private PostgresIdempotencyStore store;
    private Connection other;

    @BeforeEach
    void setUp() throws SQLException {
        store = Postgres.newStore();
        other = Postgres.dataSource().getConnection();
        other.setAutoCommit(false);
    }

    @AfterEach
    void tearDown() throws SQLException {
        caller.shutdownNow();
        other.rollback();
        other.close();
    }

    private static IdempotencyRecord claimAt(String owner, Instant now) {
        return new IdempotencyRecord(ID, RecordStatus.IN_PROGRESS, now.plus(Duration.ofHours(1)),
                now.plus(Duration.ofMinutes(15)), "hash", owner, null);
    }

    /** Writes the claim of {@code owner} in the other transaction, uncommitted. */
    private void otherWritesAClaim(String owner) throws SQLException {
        try (PreparedStatement insert = other.prepareStatement("INSERT INTO " + store.tableName()
                + " (id, status, expiration, in_progress_expiration, validation, owner) VALUES (?, 'IN_PROGRESS', "
                + "?, ?, 'hash', ?)")) {
            insert.setString(1, ID);
            insert.setLong(2, T0.plus(Duration.ofHours(1)).getEpochSecond());
            insert.setLong(3, T0.plus(Duration.ofMinutes(15)).toEpochMilli());
            insert.setString(4, owner);
            insert.executeUpdate();
        }
    }

    /** Waits (polling the server's own view, no fixed sleep) until a statement on the table waits for a lock. */
    private void awaitABlockedStatement() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        try (Connection observer = Postgres.dataSource().getConnection(); PreparedStatement waiting = observer
                .prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        + "AND query LIKE ?")) {
            waiting.setString(1, "%" + store.tableName() + "%");
            while (System.nanoTime() < deadline) {
                try (ResultSet row = waiting.executeQuery()) {
                    row.next();
                    if (row.getInt(1) > 0) {
                        return;
                    }
                }
                // polling for a state (not waiting for correctness): leave the 2 cores to the statement it awaits
                Thread.sleep(10);
            }
        }
        throw new AssertionError("no statement on " + store.tableName() + " ever waited for the other transaction");
    }

    @Test
    void aClaimRefusedByARecordCommittedAfterItsSnapshotReturnsThatRecord() throws Exception {
        otherWritesAClaim("owner-a");
        Future<ClaimResult> claim = caller.submit(() -> store.claim(claimAt("owner-b", T0), T0));
        awaitABlockedStatement();
        other.commit();

        IdempotencyRecord existing = assertInstanceOf(ClaimResult.Existing.class, claim.get(20, TimeUnit.SECONDS))
                .existing();
        assertEquals(claimAt("owner-a", T0), existing);
    }

    @Test
    void aClaimBlockedByARecordThatIsRolledBackClaimsTheFreeId() throws Exception {
        otherWritesAClaim("owner-a");
        Future<ClaimResult> claim = caller.submit(() -> store.claim(claimAt("owner-b", T0), T0));
        awaitABlockedStatement();
        other.rollback();

        assertNull(assertInstanceOf(ClaimResult.Claimed.class, claim.get(20, TimeUnit.SECONDS)).replaced());
    }

    @Test
    void aClaimWaitingOnAnUncommittedCompletionReplaysItOnceCommitted() throws Exception {
        store.claim(claimAt("owner-a", T0), T0);
        IdempotencyRecord completed = claimAt("owner-a", T0).complete(new StoredResult.Inline("\"done\""));
        CompletableFuture<ClaimResult> duplicate = new CompletableFuture<>();
        store.inTransaction(other, connection -> {
            store.complete(completed);
            caller.submit(() -> duplicate.complete(store.claim(claimAt("owner-b", T0), T0)));
            awaitABlockedStatement();
            assertFalse(duplicate.isDone(), "the duplicate waits for the transaction that holds the completion");
            return null;
        });

        assertEquals(completed, assertInstanceOf(ClaimResult.Existing.class, duplicate.get(20, TimeUnit.SECONDS))
                .existing());
    }

    @Test
    void aReplayOfALiveCompletedRecordOnlyReadsAndAnExpiredOneIsReplaced() throws Exception {
        IdempotencyRecord completed = claimAt("owner-a", T0).complete(new StoredResult.Inline("\"done\""));
        store.claim(claimAt("owner-a", T0), T0);
        store.complete(completed);
        String version = rowVersion();

        assertEquals(completed, assertInstanceOf(ClaimResult.Existing.class, store.claim(claimAt("owner-b", T0), T0))
                .existing());
        assertEquals(version, rowVersion(), "no new row version: the replay took no lock and wrote nothing");

        // a row lock held elsewhere does not delay a replay either
        try (PreparedStatement lock = other.prepareStatement("SELECT 1 FROM " + store.tableName()
                + " WHERE id = ? FOR UPDATE")) {
            lock.setString(1, ID);
            lock.executeQuery().close();
        }
        assertInstanceOf(ClaimResult.Existing.class, caller.submit(() -> store.claim(claimAt("owner-b", T0), T0))
                .get(20, TimeUnit.SECONDS));
        other.rollback();

        Instant later = Instant.ofEpochSecond(completed.expiresAt().getEpochSecond() + 1);
        assertEquals(completed, assertInstanceOf(ClaimResult.Claimed.class, store.claim(claimAt("owner-c", later),
                later)).replaced(), "expired: the upsert replaces it and hands it back");
    }

    private String rowVersion() throws SQLException {
        try (Connection connection = Postgres.dataSource().getConnection(); PreparedStatement query = connection
                .prepareStatement("SELECT xmin::text || '/' || ctid::text FROM " + store.tableName()
                        + " WHERE id = ?")) {
            query.setString(1, ID);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }

    @Test
    void anUnreadableExpiredRecordIsReplacedAndReportedAsNothing() throws Exception {
        try (PreparedStatement insert = other.prepareStatement("INSERT INTO " + store.tableName()
                + " (id, status, expiration, owner) VALUES (?, 'COMPLETED', ?, 'owner-a')")) {
            insert.setString(1, ID);     // completed, but with no result column at all
            insert.setLong(2, T0.getEpochSecond() - 1);
            insert.executeUpdate();
        }
        other.commit();

        assertNull(assertInstanceOf(ClaimResult.Claimed.class, store.claim(claimAt("owner-b", T0), T0)).replaced());
    }

    @Test
    void theTextbookUpsertPlusSelectReturnsNothingInTheSameRace() throws Exception {
        // INSERT ... ON CONFLICT DO UPDATE ... WHERE <claimable> RETURNING, UNION ALL a SELECT of the existing row:
        // both parts read the statement's snapshot, which predates the other transaction's commit
        String table = store.tableName();
        String textbook = "WITH claim AS (INSERT INTO " + table + " AS r (id, status, expiration, "
                + "in_progress_expiration, owner) VALUES (?, 'IN_PROGRESS', 0, 0, 'owner-b') ON CONFLICT (id) DO "
                + "UPDATE SET owner = EXCLUDED.owner WHERE r.expiration < 0 RETURNING r.owner) "
                + "SELECT owner FROM claim UNION ALL SELECT owner FROM " + table + " WHERE id = ? "
                + "AND NOT EXISTS (SELECT 1 FROM claim)";
        otherWritesAClaim("owner-a");
        Future<Boolean> anyRow = caller.submit(() -> {
            try (Connection connection = Postgres.dataSource().getConnection();
                    PreparedStatement statement = connection.prepareStatement(textbook)) {
                statement.setString(1, ID);
                statement.setString(2, ID);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next();
                }
            }
        });
        awaitABlockedStatement();
        other.commit();

        assertFalse(anyRow.get(20, TimeUnit.SECONDS), "refused, and blind: no record came back");
    }
}
