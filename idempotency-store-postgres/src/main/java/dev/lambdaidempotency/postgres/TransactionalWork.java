package dev.lambdaidempotency.postgres;

import java.sql.Connection;

/**
 * The work of one transaction in {@link PostgresIdempotencyStore#inTransaction(TransactionalWork)}: the business
 * writes, made on {@code connection}, and the idempotent operations whose completions join them.
 *
 * @param <T> the work's result
 * @param <E> the checked exception it may throw (use {@link RuntimeException} for none)
 */
@FunctionalInterface
public interface TransactionalWork<T, E extends Exception> {
    /**
     * Does the work. Do not commit, roll back or close {@code connection}: the store does.
     *
     * @param connection the transaction's connection (auto-commit off)
     * @return the result
     * @throws E the work's own failure; the transaction is then rolled back and the exception passed on unchanged
     */
    T run(Connection connection) throws E;
}
