package dev.lambdaidempotency.postgres;

import dev.lambdaidempotency.IdempotencyClaimLostException;
import dev.lambdaidempotency.IdempotencyRecordUnreadableException;
import dev.lambdaidempotency.IdempotencyStoreException;
import dev.lambdaidempotency.spi.ClaimResult;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.spi.RecordStatus;
import dev.lambdaidempotency.spi.RenewResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Idempotency records in a PostgreSQL table (RDS, Aurora, any PostgreSQL 12 or later), over plain JDBC, with the
 * same guarantees as the DynamoDB store: a claim is one atomic statement that also returns the record that refused
 * it; completion and release are fenced by the claim's owner token; the record's expiry and the claim's lease are
 * kept, and compared, in epoch seconds and epoch milliseconds as there.
 *
 * <pre>{@code
 * PostgresIdempotencyStore store = PostgresIdempotencyStore.builder()
 *     .dataSource(dataSource)              // a pool, RDS Proxy, or the driver's PGSimpleDataSource
 *     .tableName("idempotency")            // the default
 *     .build();
 * Idempotency idempotency = Idempotency.builder().store(store).build();
 * }</pre>
 *
 * <p>The table is the one {@code schema.sql} (next to this class) creates; run it with the application's
 * migrations, or call {@link #createTableIfMissing()}. Expired records stay until deleted: they never count once
 * expired, but take space; {@link #sweepExpired(Instant, int)} (or the equivalent {@code DELETE} run by
 * {@code pg_cron}, see the README) deletes them through the expiry index.
 *
 * <p><b>Round trips</b>: a first execution costs the claim and the completion (one statement each), a replay the
 * refused claim alone, a failed operation the claim and the release. Each runs on a connection taken from the data
 * source and given back at once, in auto-commit mode.
 *
 * <p><b>Transactional mode</b>, which only a store in the same database as the business data can give:
 * {@link #inTransaction(TransactionalWork)} runs work in one transaction, and the completions of the operations run
 * inside it are written in that transaction, so the business write and "this key is done" commit or roll back
 * together: "done but not recorded" cannot happen. The claim itself is committed first, on its own connection, so
 * that duplicates see it in progress while the work runs.
 *
 * <p>This class is immutable and thread-safe.
 */
public final class PostgresIdempotencyStore implements IdempotencyStore {
    /** Default table name. */
    public static final String DEFAULT_TABLE_NAME = "idempotency";
    /**
     * Default largest inline result: the DynamoDB store's, so that a result is offloaded (or recorded as unavailable)
     * at the same size whichever store keeps the records.
     */
    public static final int DEFAULT_MAX_INLINE_RESULT_BYTES = 400 * 1024 - 2048;
    /** The schema file, a class path resource. */
    public static final String SCHEMA_RESOURCE = "/dev/lambdaidempotency/postgres/schema.sql";
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final DataSource dataSource;
    private final String tableName;
    private final int maxInlineResultBytes;
    private final RecordStatements sql;
    private final TransactionScope transactions;

    private PostgresIdempotencyStore(Builder builder) {
        this.dataSource = Objects.requireNonNull(builder.dataSource, "dataSource (required)");
        this.tableName = builder.tableName;
        this.maxInlineResultBytes = builder.maxInlineResultBytes;
        this.sql = new RecordStatements(tableName);
        this.transactions = new TransactionScope(tableName, this::release);
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The table this store writes to.
     *
     * @return the table name, possibly schema-qualified
     */
    public String tableName() {
        return tableName;
    }

    @Override
    public ClaimResult claim(IdempotencyRecord claim, Instant now) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql.claim)) {
            RowCodec.bindClaim(statement, claim, now);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    throw new IdempotencyStoreException("the claim of " + claim.id() + " returned no row", claim.id(),
                            true, null);
                }
                IdempotencyRecord current = RowCodec.read(row, claim.id(), "");
                boolean inserted = row.getBoolean("inserted");
                IdempotencyRecord prior = readLeniently(row, claim.id());
                commitIfManual(connection);
                if (current.status() == RecordStatus.IN_PROGRESS && current.ownerToken().equals(claim.ownerToken())) {
                    // ours: just written, or written by an earlier attempt of this same request (then prior is ours)
                    boolean replaced = !inserted && prior != null && !prior.ownerToken().equals(claim.ownerToken());
                    return new ClaimResult.Claimed(replaced ? prior : null);
                }
                return new ClaimResult.Existing(current);
            }
        } catch (SQLException e) {
            throw failure("claim", claim.id(), e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>One statement, on a connection of its own and committed at once, also inside
     * {@link #inTransaction(TransactionalWork)}: the extended lease must hold for other invocations while the
     * caller's transaction runs, whatever becomes of it (as the claim does).
     */
    @Override
    public RenewResult renew(IdempotencyRecord claim, Instant now) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql.renew)) {
            statement.setLong(1, claim.inProgressExpiresAt().toEpochMilli());
            statement.setLong(2, claim.expiresAt().getEpochSecond());
            statement.setString(3, claim.ownerToken());
            statement.setLong(4, now.getEpochSecond());
            statement.setLong(5, claim.inProgressExpiresAt().toEpochMilli());
            statement.setString(6, claim.id());
            IdempotencyRecord current = null;
            try (ResultSet row = statement.executeQuery()) {
                if (row.next()) {
                    current = RowCodec.read(row, claim.id(), "");
                }
            }
            commitIfManual(connection);
            if (current == null || current.expiresAt().getEpochSecond() < now.getEpochSecond()) {
                return new RenewResult.Absent();
            }
            if (current.status() == RecordStatus.IN_PROGRESS && current.ownerToken().equals(claim.ownerToken())) {
                return new RenewResult.Renewed(current.inProgressExpiresAt());
            }
            return new RenewResult.Refused(current);
        } catch (SQLException e) {
            throw failure("renewal", claim.id(), e);
        }
    }

    /** The replaced record is informational: one that cannot be read must not fail a claim already made. */
    private static IdempotencyRecord readLeniently(ResultSet row, String id) throws SQLException {
        try {
            return RowCodec.read(row, id, "prior_");
        } catch (IdempotencyRecordUnreadableException unreadable) {
            return null;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Inside {@link #inTransaction(TransactionalWork)} on this thread, the completion is written on the
     * transaction's connection and commits or rolls back with it.
     */
    @Override
    public void complete(IdempotencyRecord completed) {
        BoundTransaction transaction = transactions.current();
        if (transaction != null) {
            // held before the write: should it fail, the transaction is rolled back and the claim must be released
            transaction.hold(new BoundTransaction.Claim(completed.id(), completed.ownerToken()));
            try {
                completeOn(transaction.connection, completed);
            } catch (SQLException e) {
                if (transaction.completionFailure == null) {
                    transaction.completionFailure = e;
                }
                // the transaction is aborted: retrying the write in it cannot succeed, and it will be rolled back
                throw new IdempotencyStoreException("the completion of " + completed.id() + " failed in the caller's "
                        + "transaction, which will be rolled back: " + e.getMessage(), completed.id(), false, e);
            }
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            completeOn(connection, completed);
            commitIfManual(connection);
        } catch (SQLException e) {
            throw failure("completion", completed.id(), e);
        }
    }

    private void completeOn(Connection connection, IdempotencyRecord completed) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.complete)) {
            RowCodec.bindCompletion(statement, completed);
            if (statement.executeUpdate() == 0) {
                throw new IdempotencyClaimLostException("the claim on " + completed.id() + " is now held by another "
                        + "invocation; the record was left untouched", completed.id());
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Inside {@link #inTransaction(TransactionalWork)} on this thread, the release is deferred until the
     * transaction has ended, so that no retry runs while its writes may still commit.
     */
    @Override
    public void release(String id, String ownerToken) {
        BoundTransaction transaction = transactions.current();
        if (transaction != null) {
            transaction.deferredReleases.add(new BoundTransaction.Claim(id, ownerToken));
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            boolean deleted;
            boolean present = false;
            try (PreparedStatement statement = connection.prepareStatement(sql.release)) {
                statement.setString(1, id);
                statement.setString(2, ownerToken);
                deleted = statement.executeUpdate() > 0;
            }
            if (!deleted) {
                try (PreparedStatement statement = connection.prepareStatement(sql.exists)) {
                    statement.setString(1, id);
                    try (ResultSet row = statement.executeQuery()) {
                        present = row.next();
                    }
                }
            }
            commitIfManual(connection);
            if (present) {
                throw new IdempotencyClaimLostException("the claim on " + id + " is now held by another invocation "
                        + "(or completed); its record was left untouched", id);
            }
        } catch (SQLException e) {
            throw failure("release", id, e);
        }
    }

    @Override
    public int maxInlineResultBytes() {
        return maxInlineResultBytes;
    }

    /**
     * Runs {@code work} in one transaction on a connection from the data source, and writes there the completion of
     * every idempotent operation run inside it on this thread (with this store), so that the operation's business
     * writes and its completion commit together or not at all:
     *
     * <pre>{@code
     * Receipt receipt = store.inTransaction(connection ->
     *     charge.call(order.id(), order, context, () -> orders.insert(connection, order)));
     * }</pre>
     *
     * <p>What happens when:
     * <ul>
     *   <li>the work returns: the transaction is committed; a duplicate then replays the result;</li>
     *   <li>the work throws, the commit fails, or a completion could not be written: the transaction is rolled
     *       back, and the claims of the operations completed in it are released (fenced by their owner tokens), so
     *       that a retry runs them again at once; the exception is passed on (a failed completion as
     *       {@link IdempotencyStoreException});</li>
     *   <li>the process dies before the commit: PostgreSQL rolls the transaction back; the claim stays in progress
     *       until its lease lapses (the Lambda invocation's deadline), then a retry runs the operation again.</li>
     * </ul>
     *
     * <p>While the completion is uncommitted it holds the record's row lock, so a duplicate's claim waits for this
     * transaction to end (then replays, or runs after a rollback): keep the transaction short after the operation.
     * Under {@code REPEATABLE READ} or {@code SERIALIZABLE}, run the operation before the transaction's first
     * statement (its claim, committed on another connection, must be in the transaction's snapshot). Keep the
     * library's local cache off ({@code localCacheSize} 0, the default): it would remember a completion that was then
     * rolled back. Each invocation uses two connections: the transaction's and, briefly, one for the claim.
     *
     * @param work the transaction's work
     * @param <T>  its result
     * @param <E>  its checked exception
     * @return the work's result, once committed
     * @throws E                            what the work throws, unchanged, after the rollback
     * @throws IdempotencyStoreException    when no connection is had, the commit fails, or a completion failed
     * @throws IllegalStateException        when called inside another {@code inTransaction} on this thread
     */
    public <T, E extends Exception> T inTransaction(TransactionalWork<T, E> work) throws E {
        Objects.requireNonNull(work, "work");
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            throw failure("connection for a transaction", null, e);
        }
        try {
            return inTransaction(connection, work);
        } finally {
            try {
                connection.close();
            } catch (SQLException closing) {
                // the transaction has ended either way; a pool finds a broken connection by itself
            }
        }
    }

    /**
     * {@link #inTransaction(TransactionalWork)} on the caller's connection, which is left open (and in its former
     * auto-commit mode); the claims still use connections from the data source.
     *
     * @param connection the connection to run the transaction on; no transaction may be open on it
     * @param work       the transaction's work
     * @param <T>        its result
     * @param <E>        its checked exception
     * @return the work's result, once committed
     * @throws E                         what the work throws, unchanged, after the rollback
     * @throws IdempotencyStoreException when the commit fails or a completion failed
     * @throws IllegalStateException     when called inside another {@code inTransaction} on this thread
     */
    public <T, E extends Exception> T inTransaction(Connection connection, TransactionalWork<T, E> work) throws E {
        return transactions.run(Objects.requireNonNull(connection, "connection"), Objects.requireNonNull(work,
                "work"));
    }

    /**
     * Creates the table and its expiry index if they do not exist, running {@link #SCHEMA_RESOURCE} with this
     * store's table name. Meant for tests, local runs and small deployments; elsewhere run {@code schema.sql} with
     * the application's migrations.
     *
     * @throws IdempotencyStoreException when a statement fails
     */
    public void createTableIfMissing() {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String ddl : Schema.statements(tableName)) {
                statement.execute(ddl);
            }
            commitIfManual(connection);
        } catch (SQLException e) {
            throw failure("table creation", null, e);
        }
    }

    /**
     * Deletes up to {@code limit} records that expired before {@code now} (expired records never count, so this
     * only frees space), oldest first, skipping rows locked by running claims. Call it on a schedule, repeating
     * while it returns {@code limit}.
     *
     * @param now   the current time
     * @param limit the most rows to delete in this call (one short transaction)
     * @return how many were deleted
     * @throws IdempotencyStoreException when the statement fails
     */
    public int sweepExpired(Instant now, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql.sweep)) {
            statement.setLong(1, now.getEpochSecond());
            statement.setInt(2, limit);
            int deleted = statement.executeUpdate();
            commitIfManual(connection);
            return deleted;
        } catch (SQLException e) {
            throw failure("sweep", null, e);
        }
    }

    private static void commitIfManual(Connection connection) throws SQLException {
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
    }

    private IdempotencyStoreException failure(String what, String id, SQLException e) {
        return SqlFailures.of(what, id, tableName, e);
    }

    @Override
    public String toString() {
        return "PostgresIdempotencyStore[" + tableName + "]";
    }

    /** Collects the store's settings. Not thread-safe. */
    public static final class Builder {
        private DataSource dataSource;
        private String tableName = DEFAULT_TABLE_NAME;
        private int maxInlineResultBytes = DEFAULT_MAX_INLINE_RESULT_BYTES;

        private Builder() {
        }

        /**
         * Sets where connections come from (required): a pool (sized for two connections per concurrent invocation
         * in transactional mode), RDS Proxy, or the driver's {@code PGSimpleDataSource}.
         *
         * @param dataSource the data source
         * @return this builder
         */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /**
         * Sets the table: a lowercase SQL identifier, optionally schema-qualified ({@code app.idempotency}).
         *
         * @param tableName default {@value #DEFAULT_TABLE_NAME}
         * @return this builder
         * @throws IllegalArgumentException when it is not one or two lowercase identifiers of at most 63 characters
         */
        public Builder tableName(String tableName) {
            Objects.requireNonNull(tableName, "tableName");
            String[] parts = tableName.split("\\.", -1);
            if (parts.length > 2 || !IDENTIFIER.matcher(parts[0]).matches()
                    || !IDENTIFIER.matcher(parts[parts.length - 1]).matches()) {
                throw new IllegalArgumentException("tableName must be [schema.]table, lowercase identifiers of "
                        + "[a-z0-9_] (at most 63 characters, not starting with a digit), was \"" + tableName + "\"");
            }
            this.tableName = tableName;
            return this;
        }

        /**
         * Sets the largest serialized result kept in the record; larger ones go to the configured result store
         * (S3), or are recorded as unavailable.
         *
         * @param bytes default {@value #DEFAULT_MAX_INLINE_RESULT_BYTES}
         * @return this builder
         * @throws IllegalArgumentException when not positive
         */
        public Builder maxInlineResultBytes(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxInlineResultBytes must be positive, was " + bytes);
            }
            this.maxInlineResultBytes = bytes;
            return this;
        }

        /**
         * Builds the store.
         *
         * @return a new, thread-safe store
         * @throws NullPointerException when no data source was set
         */
        public PostgresIdempotencyStore build() {
            return new PostgresIdempotencyStore(this);
        }
    }
}
