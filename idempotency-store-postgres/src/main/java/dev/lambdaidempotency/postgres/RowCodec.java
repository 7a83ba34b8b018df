package dev.lambdaidempotency.postgres;

import dev.lambdaidempotency.IdempotencyRecordUnreadableException;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.RecordStatus;
import dev.lambdaidempotency.spi.ResultPointer;
import dev.lambdaidempotency.spi.StoredResult;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/**
 * Binds records to {@link RecordStatements}' parameters and reads them back from rows: expiry in epoch seconds,
 * the claim's lease in epoch milliseconds, the result in exactly one of {@code data}, the {@code result_*} pointer
 * columns or {@code result_unavailable}. Stateless.
 */
final class RowCodec {
    private RowCodec() {
    }

    /** Binds the claim statement's parameters. */
    static void bindClaim(PreparedStatement statement, IdempotencyRecord claim, Instant now) throws SQLException {
        statement.setString(1, claim.id());
        statement.setString(2, claim.id());
        statement.setLong(3, claim.expiresAt().getEpochSecond());
        statement.setLong(4, claim.inProgressExpiresAt().toEpochMilli());
        statement.setString(5, claim.payloadHash());
        statement.setString(6, claim.ownerToken());
        statement.setLong(7, now.getEpochSecond());
        statement.setLong(8, now.getEpochSecond());
        statement.setLong(9, now.toEpochMilli());
    }

    /** Binds the completion statement's parameters. */
    static void bindCompletion(PreparedStatement statement, IdempotencyRecord completed) throws SQLException {
        statement.setString(1, completed.id());
        statement.setLong(2, completed.expiresAt().getEpochSecond());
        statement.setString(3, completed.payloadHash());
        statement.setString(4, completed.ownerToken());
        StoredResult result = completed.result();
        String data = result instanceof StoredResult.Inline inline ? inline.json() : null;
        ResultPointer p = result instanceof StoredResult.Offloaded offloaded ? offloaded.pointer() : null;
        String unavailable = result instanceof StoredResult.Unavailable u ? u.reason() : null;
        statement.setString(5, data);
        statement.setString(6, p == null ? null : p.bucket());
        statement.setString(7, p == null ? null : p.key());
        if (p == null) {
            statement.setNull(8, Types.BIGINT);
        } else {
            statement.setLong(8, p.size());
        }
        statement.setString(9, p == null ? null : p.sha256());
        statement.setString(10, p == null ? null : p.contentType());
        statement.setString(11, p == null ? null : p.contentEncoding());
        statement.setString(12, unavailable);
    }

    /**
     * Reads the record in the current row, from the columns named {@code prefix + column}.
     *
     * @return the record, or {@code null} when the row has none under that prefix (a {@code LEFT JOIN} miss)
     * @throws IdempotencyRecordUnreadableException when the row does not hold a valid record
     */
    static IdempotencyRecord read(ResultSet row, String id, String prefix) throws SQLException {
        String statusName = row.getString(prefix + "status");
        if (statusName == null) {
            return null;
        }
        try {
            RecordStatus status = RecordStatus.valueOf(statusName);
            Instant expiresAt = Instant.ofEpochSecond(row.getLong(prefix + "expiration"));
            long lease = row.getLong(prefix + "in_progress_expiration");
            Instant inProgressExpiresAt = row.wasNull() ? null : Instant.ofEpochMilli(lease);
            return new IdempotencyRecord(id, status, expiresAt, inProgressExpiresAt, row.getString(prefix
                    + "validation"), row.getString(prefix + "owner"), status == RecordStatus.COMPLETED
                            ? result(row, id, prefix) : null);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IdempotencyRecordUnreadableException("idempotency record " + id + " cannot be read: "
                    + e.getMessage(), id, e);
        }
    }

    private static StoredResult result(ResultSet row, String id, String prefix) throws SQLException {
        String data = row.getString(prefix + "data");
        if (data != null) {
            return new StoredResult.Inline(data);
        }
        String bucket = row.getString(prefix + "result_bucket");
        if (bucket != null) {
            long size = row.getLong(prefix + "result_size");
            if (row.wasNull()) {
                throw new IllegalArgumentException("column result_size is null");
            }
            return new StoredResult.Offloaded(new ResultPointer(bucket, row.getString(prefix + "result_key"), size,
                    row.getString(prefix + "result_sha256"), row.getString(prefix + "result_content_type"),
                    row.getString(prefix + "result_content_encoding")));
        }
        String unavailable = row.getString(prefix + "result_unavailable");
        if (unavailable != null) {
            return new StoredResult.Unavailable(unavailable);
        }
        throw new IdempotencyRecordUnreadableException("idempotency record " + id + " cannot be read: a COMPLETED "
                + "record has none of data, result_bucket, result_unavailable", id, null);
    }
}
