package dev.lambdaidempotency.benchmarks.runner;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.benchmarks.function.BareFunction;
import dev.lambdaidempotency.benchmarks.function.PaymentDeclinedException;
import dev.lambdaidempotency.benchmarks.function.Receipt;
import dev.lambdaidempotency.redis.RedisIdempotencyStore;
import dev.lambdaidempotency.testkit.RedisServer;
import dev.lambdaidempotency.testkit.TestLambdaContext;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import redis.clients.jedis.RedisClient;

/**
 * Per-invocation cost of bare, floor and ours on the Redis store, with the same method as {@link WarmBenchmark}
 * (interleaved, shuffled batches; wall time and caller CPU per call) against a {@code redis-server} on loopback.
 * Round trips are counted by the server ({@code INFO commandstats}: {@code EVALSHA} and {@code EVAL} calls), read
 * by a second client between batches, outside the measured calls.
 */
final class RedisWarmBenchmark {
    private final WarmBenchmark.Settings settings;
    private final RedisClient client;
    private final RedisClient admin;
    private final RedisIdempotencyStore store;
    private final JacksonReceiptCodec codec = new JacksonReceiptCodec(JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build());
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final AtomicLong keys = new AtomicLong();
    private final String run = Long.toHexString(System.currentTimeMillis());
    private final Context context = TestLambdaContext.fixed(60_000);
    private final List<WarmBenchmark.Case> cases = new ArrayList<>();
    private final Map<WarmBenchmark.Variant, Long> roundTrips = new HashMap<>();

    RedisWarmBenchmark(RedisServer server, WarmBenchmark.Settings settings) {
        this.settings = settings;
        this.client = RedisClient.create(server.host(), server.port());
        this.admin = RedisClient.create(server.host(), server.port());
        this.store = RedisIdempotencyStore.builder().client(client).keyPrefix("bench:").build();
        threads.setThreadCpuTimeEnabled(true);
        defineCases();
        // the store has run all three scripts while priming the replay case: the floor's copies must be the same
        if (admin.scriptExists(RedisFloorFunction.SHAS).contains(Boolean.FALSE)) {
            throw new IllegalStateException("the Redis floor's scripts differ from the store's: update "
                    + "RedisFloorFunction from dev.lambdaidempotency.redis.RecordScript");
        }
    }

    List<WarmBenchmark.Case> cases() {
        return cases;
    }

    /** Round trips per call of a variant, as the server counted them. */
    String roundTrips(WarmBenchmark.Variant v) {
        return Report.perCall(roundTrips.getOrDefault(v, 0L), v.wall.size());
    }

    void run(long seed) {
        WarmBenchmark.runRounds(cases, settings, seed, threads, (v, record, batch) -> {
            long before = scriptCalls();
            batch.run();
            if (record) {
                roundTrips.merge(v, scriptCalls() - before, Long::sum);
            }
        });
    }

    /** The warm table for Redis, in the same columns as DynamoDB's (round trips in place of requests). */
    void report(Report r) {
        r.header("case", "variant", "n", "median wall µs", "p99 wall µs", "median caller CPU µs",
                "Redis round trips/inv", "ours − floor: wall / CPU µs (median)");
        for (WarmBenchmark.Case c : cases) {
            WarmBenchmark.Variant floor = c.variant("floor");
            for (WarmBenchmark.Variant v : c.variants) {
                String delta = !v.name.equals("ours") ? "" : Report.signedMicros(v.wall.median()
                        - floor.wall.median()) + " / " + Report.signedMicros(v.cpu.median() - floor.cpu.median());
                r.row(c.title, v.name, v.wall.size(), Report.micros(v.wall.median()), Report.micros(v.wall.p99()),
                        Report.micros(v.cpu.median()), roundTrips(v), delta);
            }
        }
    }

    void close() {
        client.close();
        admin.close();
    }

    private long scriptCalls() {
        long calls = 0;
        for (String line : admin.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:calls=") || line.startsWith("cmdstat_eval:calls=")) {
                calls += Long.parseLong(line.substring(line.indexOf('=') + 1, line.indexOf(',')));
            }
        }
        return calls;
    }

    private void defineCases() {
        BareFunction bare = new BareFunction();
        WarmBenchmark.Case first = add("redis-first", "first execution (new key each call)");
        variants(first, this::newEvent, bare, new RedisFloorFunction<>(client, bare, codec, "floor-first"),
                ours(bare, "bench-first"), false);

        WarmBenchmark.Case replay = add("redis-replay", "replay (a completed key)");
        Map<String, Object> replayed = Map.of("orderId", "replay-" + run, "amountCents", 4200);
        variants(replay, () -> replayed, bare,
                primed(new RedisFloorFunction<>(client, bare, codec, "floor-replay"), replayed),
                primed(ours(bare, "bench-replay"), replayed), false);

        WarmBenchmark.Case throwing = add("redis-throws", "handler throws (claim released)");
        variants(throwing, this::newDecliningEvent, bare, new RedisFloorFunction<>(client, bare, codec,
                "floor-throws"), ours(bare, "bench-throws"), true);
        // every script once, so that the scripts check above sees the store's
        try {
            ours(bare, "bench-prime").handleRequest(newDecliningEvent(), context);
        } catch (PaymentDeclinedException expected) {
            // released
        }
    }

    private WarmBenchmark.Case add(String id, String title) {
        WarmBenchmark.Case c = new WarmBenchmark.Case(id, title, settings.batch());
        cases.add(c);
        return c;
    }

    private void variants(WarmBenchmark.Case c, Supplier<Map<String, Object>> events, BareFunction bare,
            RequestHandler<Map<String, Object>, Receipt> floor, RequestHandler<Map<String, Object>, Receipt> ours,
            boolean throwing) {
        c.variants.add(new WarmBenchmark.Variant("bare", call(events, bare, throwing), null));
        c.variants.add(new WarmBenchmark.Variant("floor", call(events, floor, throwing), null));
        c.variants.add(new WarmBenchmark.Variant("ours", call(events, ours, throwing), null));
    }

    private WarmBenchmark.Call call(Supplier<Map<String, Object>> events,
            RequestHandler<Map<String, Object>, Receipt> handler, boolean throwing) {
        return new WarmBenchmark.Call() {
            @Override
            public Map<String, Object> event() {
                return events.get();
            }

            @Override
            public void invoke(Map<String, Object> event) {
                try {
                    Receipt receipt = handler.handleRequest(event, context);
                    if (throwing || !receipt.orderId().equals(event.get("orderId"))) {
                        throw new IllegalStateException(handler + " answered " + receipt + " for " + event);
                    }
                } catch (PaymentDeclinedException e) {
                    if (!throwing) {
                        throw e;
                    }
                }
            }
        };
    }

    private RequestHandler<Map<String, Object>, Receipt> ours(BareFunction bare, String functionName) {
        return Idempotency.builder()
                .store(store)
                .config(IdempotencyConfig.builder(Map.of()).functionName(functionName).keyPath("orderId")
                        .localCacheSize(0).build())
                .build()
                .wrap(bare, Receipt.class);
    }

    private RequestHandler<Map<String, Object>, Receipt> primed(RequestHandler<Map<String, Object>, Receipt> h,
            Map<String, Object> event) {
        h.handleRequest(event, context);
        return h;
    }

    private Map<String, Object> newEvent() {
        return Map.of("orderId", "o-" + run + "-" + keys.incrementAndGet(), "amountCents", 4200);
    }

    private Map<String, Object> newDecliningEvent() {
        return Map.of("orderId", "d-" + run + "-" + keys.incrementAndGet(), "amountCents", 4200, "decline", true);
    }
}
