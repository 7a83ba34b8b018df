package dev.lambdaidempotency.postgres;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL of {@link PostgresIdempotencyStore} for one table, built once. Every value is a {@code ?} parameter; the
 * table name is the only text spliced in, and it is validated as an identifier by the builder. Immutable.
 */
final class RecordStatements {
    /** The record's columns, in the order {@link RowCodec} reads and binds them. */
    static final List<String> COLUMNS = List.of("status", "expiration", "in_progress_expiration", "validation",
            "owner", "data", "result_bucket", "result_key", "result_size", "result_sha256", "result_content_type",
            "result_content_encoding", "result_unavailable");
    /** The columns a completion writes: all but the claim's lease, which it clears. */
    static final List<String> RESULT_COLUMNS = COLUMNS.subList(5, COLUMNS.size());

    /**
     * Whether the stored row {@code r} may be claimed, as of {@code now} (parameters: now in epoch seconds, now in
     * epoch milliseconds): expired, or an in-progress claim whose lease has lapsed. The same condition as the
     * DynamoDB store's, at the same precision.
     */
    static final String CLAIMABLE =
            "(r.expiration < ? OR (r.status = 'IN_PROGRESS' AND r.in_progress_expiration < ?))";

    final String table;
    /**
     * The claim, in one statement and one round trip. A live completed record in the statement's snapshot (a
     * completed record never changes until it expires) is returned as it is: a replay only reads, taking no lock and
     * writing nothing. Otherwise the upsert always takes the row lock and always returns the row as it stands after
     * the statement: when the stored record is claimable every column is set from the claim, else every column is
     * set to itself (a no-op version of the same record). So a refused claim returns the record that refused it,
     * read under the row lock: also one committed after this statement's snapshot was taken, which a
     * {@code DO UPDATE ... WHERE} (which returns no row when refused) plus a {@code SELECT} of the same snapshot would
     * miss. {@code prior_*} is the snapshot's copy, the record a successful claim replaced; {@code inserted} tells an
     * insert (nothing replaced) from an update. Parameters: id (of the prior read), the claim's five bound columns
     * (id, expiration, lease, validation, owner; its status is the literal {@code IN_PROGRESS}), now (s), now (s),
     * now (ms), as {@code RowCodec.bindClaim} binds them.
     */
    final String claim;
    /**
     * The completion: writes the completed record if there is none, or over the caller's own in-progress claim; over
     * its own completed record (a retried completion whose first attempt was applied) every column is set to itself,
     * so the first completion stays; over anyone else's record nothing is written and no row is returned.
     * Parameters: id, the completed record's columns.
     */
    final String complete;
    /**
     * The renewal, in one statement: takes the row lock and returns the row as it stands after the statement (so a
     * refusal returns the record that refused it, read under the lock); the lease and expiry are set from the
     * parameters only when the row is the caller's live in-progress claim with an earlier lease, else to themselves.
     * No row: no record. Parameters: new lease (ms), new expiry (s), owner, now (s), new lease (ms), id.
     */
    final String renew;
    /** The release: deletes the caller's in-progress claim. Parameters: id, owner. */
    final String release;
    /** Whether any record exists under an id (after a release that deleted nothing). Parameter: id. */
    final String exists;
    /** Deletes up to a number of expired records. Parameters: now (s), limit. */
    final String sweep;

    RecordStatements(String table) {
        this.table = table;
        String columns = String.join(", ", COLUMNS);
        String prior = COLUMNS.stream().map(c -> "p." + c).collect(Collectors.joining(", "));
        String priorAs = COLUMNS.stream().map(c -> "p." + c + " AS prior_" + c).collect(Collectors.joining(", "));
        this.claim = "WITH prior AS (SELECT " + columns + " FROM " + table + " WHERE id = ?), "
                + "claim AS (INSERT INTO " + table + " AS r (id, status, expiration, in_progress_expiration, "
                + "validation, owner) SELECT ?, 'IN_PROGRESS', ?, ?, ?, ? "
                + "WHERE NOT EXISTS (SELECT 1 FROM prior WHERE status = 'COMPLETED' AND expiration >= ?) "
                + "ON CONFLICT (id) DO UPDATE SET (" + columns + ") = (SELECT " + COLUMNS.stream()
                        .map(c -> "CASE WHEN f.claimable THEN EXCLUDED." + c + " ELSE r." + c + " END")
                        .collect(Collectors.joining(", "))
                + " FROM (SELECT " + CLAIMABLE + " AS claimable) f)"
                + " RETURNING " + columns + ", (xmax = 0) AS inserted) "
                + "SELECT c.*, " + priorAs + " FROM claim c LEFT JOIN prior p ON true "
                + "UNION ALL SELECT " + prior + ", false, " + priorAs + " FROM prior p "
                + "WHERE NOT EXISTS (SELECT 1 FROM claim)";
        String ownInProgress = "r.status = 'IN_PROGRESS'";
        this.complete = "INSERT INTO " + table + " AS r (id, " + columns + ") VALUES (?, 'COMPLETED', ?, NULL, ?, ?"
                + ", ?".repeat(RESULT_COLUMNS.size()) + ") "
                + "ON CONFLICT (id) DO UPDATE SET " + COLUMNS.stream()
                        .map(c -> c + " = CASE WHEN " + ownInProgress + " THEN EXCLUDED." + c + " ELSE r." + c
                                + " END")
                        .collect(Collectors.joining(", "))
                + " WHERE r.owner = EXCLUDED.owner";
        this.renew = "UPDATE " + table + " AS r SET (in_progress_expiration, expiration) = (SELECT "
                + "CASE WHEN f.renewable THEN ? ELSE r.in_progress_expiration END, "
                + "CASE WHEN f.renewable THEN ? ELSE r.expiration END FROM (SELECT (r.status = 'IN_PROGRESS' AND "
                + "r.owner = ? AND r.expiration >= ? AND r.in_progress_expiration < ?) AS renewable) f) "
                + "WHERE r.id = ? RETURNING " + columns;
        this.release = "DELETE FROM " + table + " WHERE id = ? AND status = 'IN_PROGRESS' AND owner = ?";
        this.exists = "SELECT 1 FROM " + table + " WHERE id = ?";
        this.sweep = "DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table + " WHERE expiration < ? "
                + "ORDER BY expiration LIMIT ? FOR UPDATE SKIP LOCKED)";
    }
}
