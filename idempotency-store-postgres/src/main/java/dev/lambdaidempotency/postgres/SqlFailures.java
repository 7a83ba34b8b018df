package dev.lambdaidempotency.postgres;

import dev.lambdaidempotency.IdempotencyStoreException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/** Maps JDBC failures to {@link IdempotencyStoreException}, keeping the cause. Stateless. */
final class SqlFailures {
    private SqlFailures() {
    }

    static IdempotencyStoreException of(String what, String id, String table, SQLException e) {
        return new IdempotencyStoreException("PostgreSQL " + what + (id == null ? "" : " for " + id) + " on table "
                + table + " failed: " + e.getMessage(), id, isRetryable(e), e);
    }

    /** Connection trouble, serialization failures and deadlocks, lack of resources, shutdowns, lock time-outs. */
    static boolean isRetryable(SQLException e) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return true;
        }
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
                || state.startsWith("57P") || state.equals("55P03"));
    }
}
