package dev.lambdaidempotency.postgres;

import dev.lambdaidempotency.IdempotencyClaimLostException;
import dev.lambdaidempotency.IdempotencyStoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The transactional mode's bookkeeping for one store: which transaction, if any, is bound to the current thread,
 * and how one is run: bound while the work runs, committed after it (unless a completion failed in it), rolled back
 * otherwise; then the claims it must not leave behind are released, fenced by their owner tokens. Thread-safe (the
 * binding is per thread).
 */
final class TransactionScope {
    private final ThreadLocal<BoundTransaction> bound = new ThreadLocal<>();
    private final String table;
    private final BiConsumer<String, String> release;

    /**
     * @param table   the store's table (for messages)
     * @param release the store's own, unbound release: id, owner token
     */
    TransactionScope(String table, BiConsumer<String, String> release) {
        this.table = table;
        this.release = release;
    }

    /** The transaction bound to this thread, or {@code null}. */
    BoundTransaction current() {
        return bound.get();
    }

    <T, E extends Exception> T run(Connection connection, TransactionalWork<T, E> work) throws E {
        if (bound.get() != null) {
            throw new IllegalStateException("inTransaction is already running on this thread; nest the work instead");
        }
        BoundTransaction transaction = new BoundTransaction(connection);
        boolean autoCommit;
        try {
            autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            throw SqlFailures.of("transaction start", null, table, e);
        }
        try {
            T result;
            bound.set(transaction);
            try {
                result = work.run(connection);
            } finally {
                bound.remove();
            }
            if (transaction.completionFailure != null) {
                SQLException cause = transaction.completionFailure;
                throw new IdempotencyStoreException("a completion could not be written in the transaction, so it was "
                        + "rolled back: " + cause.getMessage(), null, false, cause);
            }
            try {
                connection.commit();
            } catch (SQLException e) {
                throw SqlFailures.of("commit", null, table, e);
            }
            releaseAll(transaction.deferredReleases, null);
            return result;
        } catch (Throwable failure) {
            try {
                connection.rollback();
            } catch (SQLException | RuntimeException rollback) {
                failure.addSuppressed(rollback);
            }
            // an ambiguous commit is safe: if it was applied, the records are COMPLETED and the fence refuses
            releaseAll(transaction.completed, failure);
            releaseAll(transaction.deferredReleases, failure);
            throw failure;
        } finally {
            try {
                connection.setAutoCommit(autoCommit);
            } catch (SQLException ignored) {
                // a broken connection; the pool will find out
            }
        }
    }

    /** Releases claims after their transaction ended; failures are added to {@code failure}, or dropped. */
    private void releaseAll(List<BoundTransaction.Claim> claims, Throwable failure) {
        for (BoundTransaction.Claim claim : claims) {
            try {
                release.accept(claim.id(), claim.ownerToken());
            } catch (IdempotencyClaimLostException alreadyCompleted) {
                // the commit had in fact been applied, or another invocation holds the record: nothing of ours to undo
            } catch (RuntimeException e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                }
            }
        }
    }
}
