package dev.lambdaidempotency.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdaidempotency.Execution;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyClaimLostException;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.IdempotencyStoreException;
import dev.lambdaidempotency.IdempotentOperation;
import dev.lambdaidempotency.it.readme.PlaceOrderFunction;
import dev.lambdaidempotency.it.support.Postgres;
import dev.lambdaidempotency.postgres.PostgresIdempotencyStore;
import dev.lambdaidempotency.testkit.MutableClock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The transactional mode on a real PostgreSQL server: the business write and the completion commit together or not
 * at all. The "done when" test kills a separate JVM running {@link PlaceOrderFunction} after its business write and
 * its completion, before its commit, and shows that neither is visible and that a retry then runs the order once.
 */
class PostgresTransactionalIntegrationTest {
    private static DataSource dataSource;

    @BeforeAll
    static void createTables() throws SQLException {
        dataSource = Postgres.dataSource();
        PostgresIdempotencyStore.builder().dataSource(dataSource).build().createTableIfMissing();
        try (Connection connection = dataSource.getConnection(); Statement ddl = connection.createStatement()) {
            ddl.execute("CREATE TABLE IF NOT EXISTS orders (id text PRIMARY KEY, amount numeric NOT NULL, "
                    + "number bigserial)");
            ddl.execute("CREATE TABLE IF NOT EXISTS payments (order_id text NOT NULL, payer text NOT NULL)");
        }
    }

    private static IdempotencyConfig config(MutableClock clock) {
        return IdempotencyConfig.builder(Map.of()).functionName("orders").clock(clock)
                .inProgressLease(PostgresKillBeforeCommit.LEASE).build();
    }

    private static long count(String sql, String id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, id);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static long orders(String id) throws SQLException {
        return count("SELECT count(*) FROM orders WHERE id = ?", id);
    }

    /** The status of the operation's record for an order ("none" when there is none). */
    private static String recordStatus(String orderId) throws SQLException {
        String id = recordIdOf(orderId);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT status FROM idempotency WHERE id = ?")) {
            query.setString(1, id);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? row.getString(1) : "none";
            }
        }
    }

    /** The record id of an order: function "orders", operation "place", the order id hashed as a JSON string. */
    private static String recordIdOf(String orderId) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(("\"" + orderId + "\"").getBytes(StandardCharsets.UTF_8));
            return "orders#@place#" + java.util.HexFormat.of().formatHex(hash);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theOrderAndItsCompletionCommitTogetherAndARepeatReplays() throws SQLException {
        PlaceOrderFunction function = new PlaceOrderFunction(dataSource, config(MutableClock.start()));
        PlaceOrderFunction.Order order = new PlaceOrderFunction.Order("o-" + UUID.randomUUID(), BigDecimal.TEN);

        PlaceOrderFunction.Placed first = function.handleRequest(order, null);
        assertEquals(first, function.handleRequest(order, null), "the repeat replays the first result");
        assertEquals(1, orders(order.id()));
        assertEquals("COMPLETED", recordStatus(order.id()));
    }

    @Test
    void killedBetweenTheBusinessWriteAndTheCommitNeitherIsVisibleAndARetryRunsOnce() throws Exception {
        String orderId = "o-" + UUID.randomUUID();
        Process child = new ProcessBuilder(javaCommand(), "-cp", System.getProperty("java.class.path"),
                PostgresKillBeforeCommit.class.getName(), Postgres.server().jdbcUrl(), Postgres.server().user(),
                orderId).redirectErrorStream(true).start();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> untilAboutToCommit(output));
            assertEquals(PostgresKillBeforeCommit.ABOUT_TO_COMMIT, line.get(60, TimeUnit.SECONDS));
            assertEquals(0, orders(orderId), "uncommitted: invisible to everyone else");
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }

        MutableClock clock = MutableClock.at(Instant.now());
        PlaceOrderFunction retry = new PlaceOrderFunction(dataSource, config(clock));
        PlaceOrderFunction.Order order = new PlaceOrderFunction.Order(orderId, new BigDecimal("12.50"));
        assertThrows(IdempotencyInProgressException.class, () -> retry.handleRequest(order, null),
                "the killed invocation's claim (committed first, on its own) holds until its lease lapses");
        assertEquals(0, orders(orderId), "the business write died with the process");
        assertEquals("IN_PROGRESS", recordStatus(orderId), "so did the completion");

        clock.set(Instant.now().plus(PostgresKillBeforeCommit.LEASE).plusSeconds(1));   // the lease has lapsed
        PlaceOrderFunction.Placed placed = retry.handleRequest(order, null);
        assertEquals(placed, retry.handleRequest(order, null));
        assertEquals(1, orders(orderId), "the retry ran the order once");
        assertEquals("COMPLETED", recordStatus(orderId));
    }

    private static String untilAboutToCommit(BufferedReader output) {
        StringBuilder seen = new StringBuilder();
        try {
            for (String line = output.readLine(); line != null; line = output.readLine()) {
                if (line.equals(PostgresKillBeforeCommit.ABOUT_TO_COMMIT)) {
                    return line;
                }
                seen.append(line).append('\n');
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return "the child ended without reaching its commit:\n" + seen;
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
                "java").toString());
    }

    @Test
    void workFailingAfterTheOperationRollsBothBackAndReleasesTheClaim() throws SQLException {
        PostgresIdempotencyStore store = PostgresIdempotencyStore.builder().dataSource(dataSource).build();
        IdempotentOperation<String> pay = Idempotency.builder().store(store).config(config(MutableClock.start()))
                .build().operation("place", String.class);
        String orderId = "o-" + UUID.randomUUID();
        IllegalStateException declined = new IllegalStateException("the next step failed");

        assertSame(declined, assertThrows(IllegalStateException.class, () -> store.inTransaction(connection -> {
            pay.call(orderId, () -> insertPayment(connection, orderId, "first"));
            throw declined;
        })));
        assertEquals(0, count("SELECT count(*) FROM payments WHERE order_id = ?", orderId));
        assertEquals("none", recordStatus(orderId), "the claim was released after the rollback");

        Execution<String> retry = store.inTransaction(connection -> pay.execute(orderId, null, null,
                () -> insertPayment(connection, orderId, "retry")));
        assertEquals(Execution.Kind.EXECUTED, retry.kind(), "a retry runs at once");
        assertEquals(1, count("SELECT count(*) FROM payments WHERE order_id = ?", orderId));
    }

    @Test
    void theWorksOwnSqlExceptionPassesThroughUnchangedAfterTheRollback() throws SQLException {
        PostgresIdempotencyStore store = PostgresIdempotencyStore.builder().dataSource(dataSource).build();
        IdempotentOperation<String> pay = Idempotency.builder().store(store).config(config(MutableClock.start()))
                .build().operation("place", String.class);
        String orderId = "o-" + UUID.randomUUID();

        SQLException duplicate = assertThrows(SQLException.class, () -> store.inTransaction(connection ->
                pay.call(orderId, () -> {
                    insertPayment(connection, orderId, "once");
                    try (Statement broken = connection.createStatement()) {
                        broken.execute("SELECT no_such_column FROM payments");
                    }
                    return "unreachable";
                })));
        assertEquals("42703", duplicate.getSQLState(), "PostgreSQL's own error, not wrapped");
        assertEquals(0, count("SELECT count(*) FROM payments WHERE order_id = ?", orderId));
        assertEquals("none", recordStatus(orderId));
    }

    @Test
    void aCompletionFailingInATransactionTheWorkAbortedReleasesTheClaimAfterTheRollback() throws SQLException {
        PostgresIdempotencyStore store = PostgresIdempotencyStore.builder().dataSource(dataSource).build();
        IdempotentOperation<String> pay = Idempotency.builder().store(store).config(config(MutableClock.start()))
                .build().operation("place", String.class);
        String orderId = "o-" + UUID.randomUUID();

        assertThrows(IdempotencyStoreException.class, () -> store.inTransaction(connection ->
                pay.call(orderId, () -> {
                    insertPayment(connection, orderId, "aborted");
                    try (Statement broken = connection.createStatement()) {
                        broken.execute("SELECT no_such_column FROM payments");
                    } catch (SQLException swallowed) {
                        // the work carries on; PostgreSQL has aborted the transaction, so the completion fails
                    }
                    return "aborted";
                })));
        assertEquals(0, count("SELECT count(*) FROM payments WHERE order_id = ?", orderId));
        assertEquals("none", recordStatus(orderId), "the claim was released after the rollback");

        Execution<String> retry = store.inTransaction(connection -> pay.execute(orderId, null, null,
                () -> insertPayment(connection, orderId, "retry")));
        assertEquals(Execution.Kind.EXECUTED, retry.kind(), "a retry runs at once, not refused as in progress");
        assertEquals(List.of("retry"), payers(orderId));
    }

    @Test
    void aStaleOwnerIsFencedOffAndItsBusinessWriteRolledBack() throws Exception {
        MutableClock clock = MutableClock.start();
        PostgresIdempotencyStore store = PostgresIdempotencyStore.builder().dataSource(dataSource).build();
        IdempotentOperation<String> pay = Idempotency.builder().store(store).config(config(clock)).build()
                .operation("place", String.class);
        String orderId = "o-" + UUID.randomUUID();

        assertThrows(IdempotencyClaimLostException.class, () -> store.inTransaction(connection ->
                pay.call(orderId, () -> {
                    insertPayment(connection, orderId, "stale");
                    clock.advance(PostgresKillBeforeCommit.LEASE.plus(Duration.ofSeconds(1)));
                    // the lease lapsed while this one ran: another invocation takes over and finishes first
                    CompletableFuture.supplyAsync(() -> takeOver(store, pay, orderId)).get(20, TimeUnit.SECONDS);
                    return "stale";
                })));

        assertEquals(List.of("fresh"), payers(orderId), "only the new owner's payment committed");
        assertFalse(recordStatus(orderId).equals("IN_PROGRESS"));
    }

    private static String takeOver(PostgresIdempotencyStore store, IdempotentOperation<String> pay, String orderId) {
        try {
            return store.inTransaction(connection -> pay.call(orderId, () -> insertPayment(connection, orderId,
                    "fresh")));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String insertPayment(Connection connection, String orderId, String payer) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO payments (order_id, payer) VALUES (?, ?)")) {
            insert.setString(1, orderId);
            insert.setString(2, payer);
            insert.executeUpdate();
        }
        return payer;
    }

    private static List<String> payers(String orderId) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement query = connection
                .prepareStatement("SELECT payer FROM payments WHERE order_id = ? ORDER BY payer")) {
            query.setString(1, orderId);
            try (ResultSet rows = query.executeQuery()) {
                java.util.ArrayList<String> payers = new java.util.ArrayList<>();
                while (rows.next()) {
                    payers.add(rows.getString(1));
                }
                return payers;
            }
        }
    }

    @Test
    void theReadmeExampleIsTheCompiledSample() throws IOException {
        List<String> readme = Files.readAllLines(Path.of("..", "README.md"));
        int section = readme.indexOf("### Transactional mode (PostgreSQL)");
        assertTrue(section >= 0, "README has no transactional mode section");
        int open = readme.subList(section, readme.size()).indexOf("```java") + section;
        int close = readme.subList(open + 1, readme.size()).indexOf("```") + open + 1;
        List<String> source = Files.readAllLines(Path.of("src", "test", "java", "dev", "lambdaidempotency", "it",
                "readme", "PlaceOrderFunction.java"));
        assertEquals(source.subList(source.indexOf("// README example start") + 1,
                source.indexOf("// README example end")), readme.subList(open + 1, close));
    }
}
