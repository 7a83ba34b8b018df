package dev.lambdaidempotency.benchmarks.runner;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.benchmarks.function.FloorFunction;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The PostgreSQL floor as a handler: the bare handler behind exactly the statements the PostgreSQL store sends (the
 * one-statement claim, the owner-fenced completion upsert, the fenced delete), written out here and issued
 * directly with JDBC, the key used as is, the result serialized with the same Jackson writer. With
 * {@code transactional}, the completion is written in a transaction that is then committed, as the store's
 * transactional mode does (with no business write in it). Thread-safe.
 *
 * @param <R> the response type
 */
final class PostgresFloor<R> implements RequestHandler<Map<String, Object>, R> {
    private static final long LEASE_MILLIS = 300_000;
    private static final long TTL_SECONDS = 3600;
    private static final List<String> COLUMNS = List.of("status", "expiration", "in_progress_expiration",
            "validation", "owner", "data", "result_bucket", "result_key", "result_size", "result_sha256",
            "result_content_type", "result_content_encoding", "result_unavailable");

    private final DataSource dataSource;
    private final RequestHandler<Map<String, Object>, R> handler;
    private final FloorFunction.Codec<R> codec;
    private final String scope;
    private final boolean transactional;
    private final String claim;
    private final String complete;
    private final String release;

    PostgresFloor(DataSource dataSource, String table, RequestHandler<Map<String, Object>, R> handler,
            FloorFunction.Codec<R> codec, String scope, boolean transactional) {
        this.dataSource = dataSource;
        this.handler = handler;
        this.codec = codec;
        this.scope = scope + "#";
        this.transactional = transactional;
        String columns = String.join(", ", COLUMNS);
        String prior = COLUMNS.stream().map(c -> "p." + c).collect(Collectors.joining(", "));
        String priorAs = COLUMNS.stream().map(c -> "p." + c + " AS prior_" + c).collect(Collectors.joining(", "));
        this.claim = "WITH prior AS (SELECT " + columns + " FROM " + table + " WHERE id = ?), claim AS (INSERT INTO "
                + table + " AS r (id, status, expiration, in_progress_expiration, validation, owner) SELECT ?, "
                + "'IN_PROGRESS', ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM prior WHERE status = 'COMPLETED' AND "
                + "expiration >= ?) ON CONFLICT (id) DO UPDATE SET (" + columns + ") = (SELECT "
                + COLUMNS.stream().map(c -> "CASE WHEN f.claimable THEN EXCLUDED." + c + " ELSE r." + c + " END")
                        .collect(Collectors.joining(", "))
                + " FROM (SELECT (r.expiration < ? OR (r.status = 'IN_PROGRESS' AND r.in_progress_expiration < ?)) "
                + "AS claimable) f) RETURNING " + columns + ", (xmax = 0) AS inserted) SELECT c.*, " + priorAs
                + " FROM claim c LEFT JOIN prior p ON true UNION ALL SELECT " + prior + ", false, " + priorAs
                + " FROM prior p WHERE NOT EXISTS (SELECT 1 FROM claim)";
        this.complete = "INSERT INTO " + table + " AS r (id, " + columns + ") VALUES (?, 'COMPLETED', ?, NULL, ?, ?"
                + ", ?".repeat(8) + ") ON CONFLICT (id) DO UPDATE SET " + COLUMNS.stream()
                        .map(c -> c + " = CASE WHEN r.status = 'IN_PROGRESS' THEN EXCLUDED." + c + " ELSE r." + c
                                + " END")
                        .collect(Collectors.joining(", "))
                + " WHERE r.owner = EXCLUDED.owner";
        this.release = "DELETE FROM " + table + " WHERE id = ? AND status = 'IN_PROGRESS' AND owner = ?";
    }

    @Override
    public R handleRequest(Map<String, Object> event, Context context) {
        String id = scope + event.get("orderId");
        long now = System.currentTimeMillis();
        String owner = Long.toHexString(ThreadLocalRandom.current().nextLong())
                + Long.toHexString(ThreadLocalRandom.current().nextLong());
        long lease = now + (context != null ? context.getRemainingTimeInMillis() : LEASE_MILLIS);
        long expiresAt = now / 1000 + TTL_SECONDS;
        try {
            String blocking = claim(id, owner, now, lease, expiresAt);
            if (blocking != null) {
                return codec.decode(blocking.getBytes(StandardCharsets.UTF_8));
            }
            R result;
            try {
                result = handler.handleRequest(event, context);
            } catch (RuntimeException e) {
                release(id, owner);
                throw e;
            }
            complete(id, owner, expiresAt, new String(codec.encode(result), StandardCharsets.UTF_8));
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns null when claimed, else the completed record's data (in progress: an exception). */
    private String claim(String id, String owner, long now, long lease, long expiresAt) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(claim)) {
            statement.setString(1, id);
            statement.setString(2, id);
            statement.setLong(3, expiresAt);
            statement.setLong(4, lease);
            statement.setString(5, null);
            statement.setString(6, owner);
            statement.setLong(7, now / 1000);
            statement.setLong(8, now / 1000);
            statement.setLong(9, now);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                boolean ours = "IN_PROGRESS".equals(row.getString("status")) && owner.equals(row.getString("owner"));
                if (ours) {
                    return null;
                }
                if (!"COMPLETED".equals(row.getString("status"))) {
                    throw new IllegalStateException("in progress: " + id);
                }
                return row.getString("data");
            }
        }
    }

    private void complete(String id, String owner, long expiresAt, String json) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (transactional) {
                connection.setAutoCommit(false);
            }
            try (PreparedStatement statement = connection.prepareStatement(complete)) {
                statement.setString(1, id);
                statement.setLong(2, expiresAt);
                statement.setString(3, null);
                statement.setString(4, owner);
                statement.setString(5, json);
                for (int i = 6; i <= 11; i++) {
                    statement.setString(i, null);
                }
                statement.setNull(8, Types.BIGINT);
                statement.setString(12, null);
                if (statement.executeUpdate() != 1) {
                    throw new IllegalStateException("claim lost: " + id);
                }
            }
            if (transactional) {
                connection.commit();
                connection.setAutoCommit(true);
            }
        }
    }

    private void release(String id, String owner) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(release)) {
            statement.setString(1, id);
            statement.setString(2, owner);
            statement.executeUpdate();
        }
    }
}
