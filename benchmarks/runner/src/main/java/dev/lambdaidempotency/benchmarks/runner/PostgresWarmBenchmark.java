package dev.lambdaidempotency.benchmarks.runner;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.benchmarks.function.BareFunction;
import dev.lambdaidempotency.benchmarks.function.PaymentDeclinedException;
import dev.lambdaidempotency.benchmarks.function.Receipt;
import dev.lambdaidempotency.postgres.PostgresIdempotencyStore;
import dev.lambdaidempotency.testkit.PostgresServer;
import dev.lambdaidempotency.testkit.TestLambdaContext;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Per-invocation cost of the PostgreSQL store against its floor, with the warm benchmark's method: one thread, the
 * variants of each case in small interleaved batches, shuffled every round. The server is a real PostgreSQL (the test
 * kit's {@link PostgresServer}, durable settings: {@code fsync} and {@code synchronous_commit} on) on loopback;
 * floor and ours share one two-connection pool and one {@link StatementCounter}.
 */
final class PostgresWarmBenchmark {
    static final String TABLE = "bench_pg";

    /** One way of serving an event, with its samples. */
    static final class Variant {
        final String name;
        final RequestHandler<Map<String, Object>, Receipt> handler;
        final Samples wall = new Samples();
        final Samples cpu = new Samples();
        long roundTrips;

        Variant(String name, RequestHandler<Map<String, Object>, Receipt> handler) {
            this.name = name;
            this.handler = handler;
        }
    }

    /** One situation, measured for every variant. */
    static final class Case {
        final String title;
        final Supplier<Map<String, Object>> events;
        final boolean throwing;
        final List<Variant> variants = new ArrayList<>();

        Case(String title, Supplier<Map<String, Object>> events, boolean throwing) {
            this.title = title;
            this.events = events;
            this.throwing = throwing;
        }
    }

    private final WarmBenchmark.Settings settings;
    private final StatementCounter counter = new StatementCounter();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final AtomicLong keys = new AtomicLong();
    private final String run = Long.toHexString(System.currentTimeMillis());
    private final Context context = TestLambdaContext.fixed(60_000);
    private final List<Case> cases = new ArrayList<>();
    private final HikariDataSource pool;
    private final DataSource dataSource;
    private final PostgresIdempotencyStore store;
    private final JacksonReceiptCodec codec = new JacksonReceiptCodec(JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build());

    PostgresWarmBenchmark(PostgresServer server, WarmBenchmark.Settings settings) {
        this.settings = settings;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(server.jdbcUrl());
        config.setUsername(server.user());
        config.setMaximumPoolSize(2);   // the claim's connection and the transaction's
        config.setMinimumIdle(2);
        this.pool = new HikariDataSource(config);
        this.dataSource = counter.counting(pool);
        this.store = PostgresIdempotencyStore.builder().dataSource(dataSource).tableName(TABLE).build();
        store.createTableIfMissing();
        threads.setThreadCpuTimeEnabled(true);
        defineCases();
    }

    List<Case> cases() {
        return cases;
    }

    void run(long seed) {
        Random random = new Random(seed);
        for (int r = 0; r < settings.warmupRounds() + settings.rounds(); r++) {
            boolean record = r >= settings.warmupRounds();
            List<Case> order = new ArrayList<>(cases);
            Collections.shuffle(order, random);
            for (Case c : order) {
                List<Variant> variants = new ArrayList<>(c.variants);
                Collections.shuffle(variants, random);
                for (Variant v : variants) {
                    for (int i = 0; i < settings.batch(); i++) {
                        measure(c, v, record);
                    }
                }
            }
        }
    }

    void close() {
        pool.close();
    }

    private void measure(Case c, Variant v, boolean record) {
        Map<String, Object> event = c.events.get();
        long before = counter.total();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        try {
            Receipt receipt = v.handler.handleRequest(event, context);
            if (c.throwing || !receipt.orderId().equals(event.get("orderId"))) {
                throw new IllegalStateException(v.name + " answered " + receipt + " for " + event);
            }
        } catch (PaymentDeclinedException expected) {
            if (!c.throwing) {
                throw expected;
            }
        }
        long t1 = System.nanoTime();
        long cpu1 = threads.getCurrentThreadCpuTime();
        if (record) {
            v.wall.add(t1 - t0);
            v.cpu.add(cpu1 - cpu0);
            v.roundTrips += counter.total() - before;
        }
    }

    private void defineCases() {
        BareFunction bare = new BareFunction();
        Case first = add(new Case("first execution (new key each call)", this::newEvent, false));
        variants(first, bare, "pg-first", false);
        Supplier<Map<String, Object>> replayEvent = fixedEvent("replay-" + run);
        Case replay = add(new Case("replay (a completed key)", replayEvent, false));
        variants(replay, bare, "pg-replay", false);
        replay.variants.forEach(v -> v.handler.handleRequest(replayEvent.get(), context));
        Case throwing = add(new Case("handler throws (claim released)", this::newDecliningEvent, true));
        variants(throwing, bare, "pg-throws", false);
        Case transactional = add(new Case("first execution, transactional mode (completion committed with the "
                + "work)", this::newEvent, false));
        variants(transactional, bare, "pg-tx", true);
    }

    private Case add(Case c) {
        cases.add(c);
        return c;
    }

    private void variants(Case c, BareFunction bare, String scope, boolean transactional) {
        c.variants.add(new Variant("bare", bare));
        c.variants.add(new Variant("floor", new PostgresFloor<>(dataSource, TABLE, bare, codec, scope + "-floor",
                transactional)));
        RequestHandler<Map<String, Object>, Receipt> ours = Idempotency.builder().store(store)
                .config(IdempotencyConfig.builder(Map.of()).functionName(scope).keyPath("orderId").build())
                .build().wrap(bare, Receipt.class);
        c.variants.add(new Variant("ours", transactional ? (event, ctx) -> store.inTransaction(connection ->
                ours.handleRequest(event, ctx)) : ours));
    }

    private Map<String, Object> newEvent() {
        return Map.of("orderId", "o-" + run + "-" + keys.incrementAndGet(), "amountCents", 4200);
    }

    private Map<String, Object> newDecliningEvent() {
        return Map.of("orderId", "d-" + run + "-" + keys.incrementAndGet(), "amountCents", 4200, "decline", true);
    }

    private static Supplier<Map<String, Object>> fixedEvent(String orderId) {
        Map<String, Object> event = Map.of("orderId", orderId, "amountCents", 4200);
        return () -> event;
    }

    /** The report's section. */
    void report(Report r, String server) {
        r.line("Server: " + server + ", on loopback, durable settings (`fsync`, `synchronous_commit` on). One "
                + "thread; floor and ours share one HikariCP pool of two connections and one statement counter. "
                + "*floor*: exactly the statements the store sends (the one-statement upsert claim, the fenced "
                + "completion upsert, the fenced delete), issued directly with JDBC, the key used as is. *ours*: "
                + "`Idempotency.wrap` on `PostgresIdempotencyStore`, key at `orderId`; in the transactional case "
                + "inside `store.inTransaction(...)` (no business write: what the mode itself costs). Round trips: "
                + "statement executions, commits and rollbacks.").blank();
        r.header("case", "variant", "n", "median wall µs", "p99 wall µs", "median caller CPU µs", "round trips/inv",
                "ours − floor: wall / CPU µs (median)");
        for (Case c : cases) {
            Variant floor = c.variants.stream().filter(v -> v.name.equals("floor")).findFirst().orElseThrow();
            for (Variant v : c.variants) {
                int n = v.wall.size();
                String delta = v.name.equals("ours") ? Report.signedMicros(v.wall.median() - floor.wall.median())
                        + " / " + Report.signedMicros(v.cpu.median() - floor.cpu.median()) : "";
                r.row(c.title, v.name, n, Report.micros(v.wall.median()), Report.micros(v.wall.p99()),
                        Report.micros(v.cpu.median()), Report.perCall(v.roundTrips, n), delta);
            }
        }
    }
}
