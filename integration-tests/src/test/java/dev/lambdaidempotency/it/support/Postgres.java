package dev.lambdaidempotency.it.support;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lambdaidempotency.postgres.PostgresIdempotencyStore;
import dev.lambdaidempotency.testkit.PostgresServer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.opentest4j.TestAbortedException;

/**
 * One real PostgreSQL server for the whole test JVM (the test kit's {@link PostgresServer}), a connection pool on it,
 * and fresh tables. On a machine without PostgreSQL binaries the tests that ask for it are skipped with the reason,
 * except under {@code CI=true}, where {@code .ci/run} provides them and their absence fails the build.
 */
public final class Postgres {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static PostgresServer server;
    private static HikariDataSource dataSource;

    private Postgres() {
    }

    /**
     * The shared server, started on first use and stopped when the JVM exits.
     *
     * @return the server
     * @throws TestAbortedException when no binaries are found (outside CI)
     */
    public static synchronized PostgresServer server() {
        if (server == null) {
            Optional<String> missing = skipReason();
            if (missing.isPresent()) {
                throw new TestAbortedException(missing.get());
            }
            PostgresServer started = PostgresServer.start(false);
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "postgres-stop"));
            server = started;
        }
        return server;
    }

    /**
     * Why the PostgreSQL tests are skipped on this machine, if they are.
     *
     * @return the reason, or empty when PostgreSQL binaries are there
     * @throws IllegalStateException under {@code CI=true} when they are not
     */
    public static Optional<String> skipReason() {
        Optional<String> missing = PostgresServer.unavailableReason();
        if (missing.isPresent() && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but " + missing.get());
        }
        return missing.map(reason -> "PostgreSQL tests skipped: " + reason);
    }

    /**
     * A pool on the shared server, large enough for the race suite's 64 callers and their claims.
     *
     * @return the pool
     */
    public static synchronized DataSource dataSource() {
        if (dataSource == null) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(server().jdbcUrl());
            config.setUsername(server().user());
            config.setMaximumPoolSize(100);
            config.setPoolName("postgres-tests");
            dataSource = new HikariDataSource(config);
        }
        return dataSource;
    }

    /**
     * A store on a new, empty table.
     *
     * @return the store
     */
    public static PostgresIdempotencyStore newStore() {
        PostgresIdempotencyStore store = PostgresIdempotencyStore.builder().dataSource(dataSource())
                .tableName("idempotency_" + TABLES.incrementAndGet()).build();
        store.createTableIfMissing();
        return store;
    }
}
