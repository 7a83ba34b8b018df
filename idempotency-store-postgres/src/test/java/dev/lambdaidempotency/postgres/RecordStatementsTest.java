package dev.lambdaidempotency.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The statements' shapes, pinned (their behaviour is proven on a real server by the integration suites), the schema
 * file's renaming, and the builder's validation.
 */
class RecordStatementsTest {
    private final RecordStatements sql = new RecordStatements("app.idem");

    @Test
    void theClaimIsOneStatementThatReadsALiveCompletionElseUpsertsAndAlwaysReturnsARow() {
        assertEquals("WITH prior AS (SELECT status, expiration, in_progress_expiration, validation, owner, data, "
                + "result_bucket, result_key, result_size, result_sha256, result_content_type, "
                + "result_content_encoding, result_unavailable FROM app.idem WHERE id = ?), claim AS (INSERT INTO "
                + "app.idem AS r (id, status, expiration, in_progress_expiration, validation, owner) SELECT ?, "
                + "'IN_PROGRESS', ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM prior WHERE status = 'COMPLETED' AND "
                + "expiration >= ?) ON CONFLICT (id) DO UPDATE SET (status, expiration, "
                + "in_progress_expiration, validation, owner, data, result_bucket, result_key, result_size, "
                + "result_sha256, result_content_type, result_content_encoding, result_unavailable) = (SELECT "
                + "CASE WHEN f.claimable THEN EXCLUDED.status ELSE r.status END, "
                + "CASE WHEN f.claimable THEN EXCLUDED.expiration ELSE r.expiration END, "
                + "CASE WHEN f.claimable THEN EXCLUDED.in_progress_expiration ELSE r.in_progress_expiration END, "
                + "CASE WHEN f.claimable THEN EXCLUDED.validation ELSE r.validation END, "
                + "CASE WHEN f.claimable THEN EXCLUDED.owner ELSE r.owner END, "
                + "CASE WHEN f.claimable THEN EXCLUDED.data ELSE r.data END, "
                + "CASE WHEN f.claimable THEN EXCLUDED.result_bucket ELSE r.result_bucket END, "
                + "CASE WHEN f.claimable THEN EXCLUDED.result_key ELSE r.result_key END, "
                + "CASE WHEN f.claimable THEN EXCLUDED.result_size ELSE r.result_size END, "
                + "CASE WHEN f.claimable THEN EXCLUDED.result_sha256 ELSE r.result_sha256 END, "
                + "CASE WHEN f.claimable THEN EXCLUDED.result_content_type ELSE r.result_content_type END, "
                + "CASE WHEN f.claimable THEN EXCLUDED.result_content_encoding ELSE r.result_content_encoding END, "
                + "CASE WHEN f.claimable THEN EXCLUDED.result_unavailable ELSE r.result_unavailable END "
                + "FROM (SELECT (r.expiration < ? OR (r.status = 'IN_PROGRESS' AND r.in_progress_expiration < ?)) "
                + "AS claimable) f) RETURNING status, expiration, in_progress_expiration, validation, owner, data, "
                + "result_bucket, result_key, result_size, result_sha256, result_content_type, "
                + "result_content_encoding, result_unavailable, (xmax = 0) AS inserted) SELECT c.*, "
                + "p.status AS prior_status, p.expiration AS prior_expiration, p.in_progress_expiration AS "
                + "prior_in_progress_expiration, p.validation AS prior_validation, p.owner AS prior_owner, p.data AS "
                + "prior_data, p.result_bucket AS prior_result_bucket, p.result_key AS prior_result_key, "
                + "p.result_size AS prior_result_size, p.result_sha256 AS prior_result_sha256, "
                + "p.result_content_type AS prior_result_content_type, p.result_content_encoding AS "
                + "prior_result_content_encoding, p.result_unavailable AS prior_result_unavailable FROM claim c "
                + "LEFT JOIN prior p ON true UNION ALL SELECT p.status, p.expiration, p.in_progress_expiration, "
                + "p.validation, p.owner, p.data, p.result_bucket, p.result_key, p.result_size, p.result_sha256, "
                + "p.result_content_type, p.result_content_encoding, p.result_unavailable, false, p.status AS "
                + "prior_status, p.expiration AS prior_expiration, p.in_progress_expiration AS "
                + "prior_in_progress_expiration, p.validation AS prior_validation, p.owner AS prior_owner, p.data AS "
                + "prior_data, p.result_bucket AS prior_result_bucket, p.result_key AS prior_result_key, "
                + "p.result_size AS prior_result_size, p.result_sha256 AS prior_result_sha256, "
                + "p.result_content_type AS prior_result_content_type, p.result_content_encoding AS "
                + "prior_result_content_encoding, p.result_unavailable AS prior_result_unavailable FROM prior p "
                + "WHERE NOT EXISTS (SELECT 1 FROM claim)", sql.claim);
        assertEquals(9, sql.claim.chars().filter(c -> c == '?').count(),
                "id twice, four claim values, now (s) twice, now (ms)");
    }

    @Test
    void completionAndReleaseAreFencedByTheOwner() {
        assertTrue(sql.complete.startsWith("INSERT INTO app.idem AS r (id, status, expiration, "
                + "in_progress_expiration, validation, owner, data, result_bucket, result_key, result_size, "
                + "result_sha256, result_content_type, result_content_encoding, result_unavailable) VALUES (?, "
                + "'COMPLETED', ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET status = CASE "
                + "WHEN r.status = 'IN_PROGRESS' THEN EXCLUDED.status ELSE r.status END, "), sql.complete);
        assertTrue(sql.complete.endsWith(" WHERE r.owner = EXCLUDED.owner"), sql.complete);
        assertEquals(12, sql.complete.chars().filter(c -> c == '?').count());
        assertEquals("DELETE FROM app.idem WHERE id = ? AND status = 'IN_PROGRESS' AND owner = ?", sql.release);
        assertEquals("DELETE FROM app.idem WHERE id IN (SELECT id FROM app.idem WHERE expiration < ? ORDER BY "
                + "expiration LIMIT ? FOR UPDATE SKIP LOCKED)", sql.sweep);
    }

    @Test
    void theSchemaFileIsRunWithTheConfiguredTableName() {
        List<String> statements = Schema.statements("app.idem");
        assertEquals(2, statements.size());
        assertTrue(statements.get(0).startsWith("CREATE TABLE IF NOT EXISTS app.idem ("), statements.get(0));
        assertTrue(statements.get(0).contains("id                      text   PRIMARY KEY,"), statements.get(0));
        assertFalse(statements.get(0).contains("--"), "comments are removed");
        assertEquals("CREATE INDEX IF NOT EXISTS idem_expiration_idx ON app.idem (expiration)", statements.get(1));
        assertTrue(Schema.statements("idempotency").get(1)
                .startsWith("CREATE INDEX IF NOT EXISTS idempotency_expiration_idx ON idempotency "));
    }

    @Test
    void theBuilderNamesWhatIsWrong() {
        PostgresIdempotencyStore.Builder builder = PostgresIdempotencyStore.builder();
        for (String bad : List.of("", "Idem", "1idem", "a.b.c", "idem;drop", "idem table", "a".repeat(64))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder.tableName(bad));
            assertTrue(e.getMessage().contains("was \"" + bad + "\""), e.getMessage());
        }
        assertEquals("maxInlineResultBytes must be positive, was 0", assertThrows(IllegalArgumentException.class,
                () -> builder.maxInlineResultBytes(0)).getMessage());
        assertThrows(NullPointerException.class, builder::build, "a data source is required");
        PostgresIdempotencyStore store = builder.dataSource(new PGSimpleDataSource()).tableName("app.idem").build();
        assertEquals("app.idem", store.tableName());
        assertEquals(400 * 1024 - 2048, store.maxInlineResultBytes());
    }

    @Test
    void connectionTroubleDeadlocksAndSerializationFailuresAreRetryable() {
        assertTrue(SqlFailures.isRetryable(new SQLException("broken", "08006")));
        assertTrue(SqlFailures.isRetryable(new SQLException("serialization", "40001")));
        assertTrue(SqlFailures.isRetryable(new SQLException("deadlock", "40P01")));
        assertTrue(SqlFailures.isRetryable(new SQLException("too many connections", "53300")));
        assertTrue(SqlFailures.isRetryable(new SQLException("admin shutdown", "57P01")));
        assertTrue(SqlFailures.isRetryable(new SQLTransientConnectionException("pool timeout")));
        assertFalse(SqlFailures.isRetryable(new SQLException("no such table", "42P01")));
        assertFalse(SqlFailures.isRetryable(new SQLException("check violation", "23514")));
    }
}
