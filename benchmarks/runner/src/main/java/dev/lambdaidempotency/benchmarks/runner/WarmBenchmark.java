package dev.lambdaidempotency.benchmarks.runner;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.benchmarks.function.BareFunction;
import dev.lambdaidempotency.benchmarks.function.FloorFunction;
import dev.lambdaidempotency.benchmarks.function.PaymentDeclinedException;
import dev.lambdaidempotency.benchmarks.function.RawFloorStore;
import dev.lambdaidempotency.benchmarks.function.Receipt;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.spi.ResultStore;
import dev.lambdaidempotency.testkit.AwsEndpoint;
import dev.lambdaidempotency.testkit.InMemoryIdempotencyStore;
import dev.lambdaidempotency.testkit.RequestCounter;
import dev.lambdaidempotency.testkit.TestLambdaContext;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Per-invocation cost of bare, floor and ours, case by case, in one JVM against DynamoDB Local and S3Proxy on
 * loopback. Every case's variants run in small interleaved batches, in a shuffled order each round, so that drift
 * in machine speed hits every variant alike. One thread; the caller's CPU time comes from
 * {@link ThreadMXBean#getCurrentThreadCpuTime()}, request counts from {@link RequestCounter}s on the clients.
 */
final class WarmBenchmark {
    static final String TABLE = "bench-warm";
    static final int MIB = 1024 * 1024;

    /** How much to run. */
    record Settings(int warmupRounds, int rounds, int batch, int cachedBatch, int oneMibBatch, int fiveMibBatch) {
    }

    /** One way of serving an event. */
    interface Call {
        Map<String, Object> event();

        void invoke(Map<String, Object> event);
    }

    /** The library with gzip off, as the floor stores results: isolates compression from the library's cost. */
    static final String RAW = "ours, gzip off";

    /**
     * A second, identical floor (A/A): its difference from the floor is what the same code measures as "above the
     * floor" by chance on this machine, the noise band for every "ours − floor" figure of the run.
     */
    static final String AGAIN = "floor again (A/A)";

    /** The library over an in-memory store: its own work per call, with no request and no SDK. */
    static final String IN_MEMORY = "ours, store in memory";

    /** One variant of one case, with its samples. */
    static final class Variant {
        final String name;
        final Call call;
        final String pending;
        final Samples wall = new Samples();
        final Samples cpu = new Samples();
        long dynamoDbRequests;
        long s3Requests;

        Variant(String name, Call call, String pending) {
            this.name = name;
            this.call = call;
            this.pending = pending;
        }

        boolean measured() {
            return pending == null;
        }
    }

    /** One situation, measured for every variant. */
    static final class Case {
        final String id;
        final String title;
        final int batch;
        final List<Variant> variants = new ArrayList<>();
        Runnable afterBatch = () -> { };

        Case(String id, String title, int batch) {
            this.id = id;
            this.title = title;
            this.batch = batch;
        }

        Variant variant(String name) {
            return variants.stream().filter(v -> v.name.equals(name)).findFirst().orElse(null);
        }
    }

    private final Settings settings;
    private final RequestCounter dynamoDbCounter = new RequestCounter();
    private final RequestCounter s3Counter = new RequestCounter();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final AtomicLong keys = new AtomicLong();
    private final String run = Long.toHexString(System.currentTimeMillis());
    private final Context context = TestLambdaContext.fixed(60_000);
    private final List<Case> cases = new ArrayList<>();
    private final DynamoDbClient dynamoDb;
    private final S3Client s3;
    private final S3Client s3Admin;
    private final DynamoDbIdempotencyStore store;
    private final RawFloorStore raw;
    private final JacksonReceiptCodec codec;

    WarmBenchmark(AwsEndpoint dynamoDbEndpoint, AwsEndpoint s3Endpoint, Settings settings) {
        this.settings = settings;
        this.dynamoDb = dynamoDbEndpoint.dynamoDbClient(dynamoDbCounter);
        this.s3 = s3Endpoint.s3Client(s3Counter);
        this.s3Admin = s3Endpoint.s3Client();
        this.store = DynamoDbIdempotencyStore.builder().client(dynamoDb).tableName(TABLE).build();
        store.createTableIfMissing();
        this.raw = new RawFloorStore(dynamoDb, TABLE);
        // the library's default mapper, so that the floor serializes exactly as the library does
        this.codec = new JacksonReceiptCodec(JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build());
        if (!threads.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure thread CPU time");
        }
        threads.setThreadCpuTimeEnabled(true);
        defineCases();
    }

    List<Case> cases() {
        return cases;
    }


    void run(long seed) {
        runRounds(cases, settings, seed, threads, (v, record, batch) -> {
            long dynamoDbBefore = dynamoDbCounter.total();
            long s3Before = s3Counter.total();
            batch.run();
            if (record) {
                v.dynamoDbRequests += dynamoDbCounter.total() - dynamoDbBefore;
                v.s3Requests += s3Counter.total() - s3Before;
            }
        });
    }

    /** Counts a backend's requests around each batch of calls (outside the timed calls). */
    @FunctionalInterface
    interface BatchCounter {
        /**
         * @param v      the variant the batch runs
         * @param record whether this round is measured
         * @param batch  the batch's calls
         */
        void count(Variant v, boolean record, Runnable batch);
    }

    /**
     * The rounds every warm benchmark runs: warm-up rounds, then measured ones; each round runs every case, and within
     * it every measured variant, in a shuffled order, in batches of the case's size. Wall time and the calling
     * thread's CPU of each call go into the variant's samples in measured rounds.
     */
    static void runRounds(List<Case> cases, Settings settings, long seed, ThreadMXBean threads,
            BatchCounter counter) {
        Random random = new Random(seed);
        for (int r = 0; r < settings.warmupRounds() + settings.rounds(); r++) {
            boolean record = r >= settings.warmupRounds();
            List<Case> order = new ArrayList<>(cases);
            Collections.shuffle(order, random);
            for (Case c : order) {
                List<Variant> variants = new ArrayList<>(c.variants);
                variants.removeIf(v -> !v.measured());
                Collections.shuffle(variants, random);
                for (Variant v : variants) {
                    counter.count(v, record, () -> {
                        for (int i = 0; i < c.batch; i++) {
                            measure(threads, v, record);
                        }
                    });
                    c.afterBatch.run();
                }
            }
        }
    }

    void close() {
        dynamoDb.close();
        s3.close();
        s3Admin.close();
    }

    private static void measure(ThreadMXBean threads, Variant v, boolean record) {
        Map<String, Object> event = v.call.event();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        v.call.invoke(event);
        long t1 = System.nanoTime();
        long cpu1 = threads.getCurrentThreadCpuTime();
        if (record) {
            v.wall.add(t1 - t0);
            v.cpu.add(cpu1 - cpu0);
        }
    }

    private void defineCases() {
        BareFunction bare = new BareFunction();

        Case first = add(new Case("first", "first execution (new key each call)", settings.batch()));
        variants(first, this::newEvent, bare, floor(bare, "floor-first", null, false),
                ours(bare, "bench-first", 0, null), false);
        first.variants.add(new Variant(AGAIN, call(this::newEvent, floor(bare, "floor2-first", null, false), false),
                null));
        first.variants.add(new Variant(IN_MEMORY, call(this::newEvent, inMemory(bare, "mem-first"), false), null));

        Case replay = add(new Case("replay", "replay (a completed key)", settings.batch()));
        Supplier<Map<String, Object>> replayEvent = fixedEvent("replay-" + run);
        variants(replay, replayEvent, bare, primed(floor(bare, "floor-replay", null, false), replayEvent),
                primed(ours(bare, "bench-replay", 0, null), replayEvent), false);
        replay.variants.add(new Variant(AGAIN, call(replayEvent, primed(floor(bare, "floor2-replay", null, false),
                replayEvent), false), null));
        replay.variants.add(new Variant(IN_MEMORY, call(replayEvent, primed(inMemory(bare, "mem-replay"),
                replayEvent), false), null));

        Case cached = add(new Case("replay-cached", "replay, local cache on", settings.cachedBatch()));
        Supplier<Map<String, Object>> cachedEvent = fixedEvent("cached-" + run);
        variants(cached, cachedEvent, bare, primed(floor(bare, "floor-cached", null, true), cachedEvent),
                primed(ours(bare, "bench-cached", 1024, null), cachedEvent), false);

        Case throwing = add(new Case("throws", "handler throws (claim released)", settings.batch()));
        variants(throwing, this::newDecliningEvent, bare, floor(bare, "floor-throws", null, false),
                ours(bare, "bench-throws", 0, null), true);
        throwing.variants.add(new Variant(AGAIN, call(this::newDecliningEvent, floor(bare, "floor2-throws", null,
                false), true), null));
        throwing.variants.add(new Variant(IN_MEMORY, call(this::newDecliningEvent, inMemory(bare, "mem-throws"),
                true), null));

        String keep = newBucket("results-keep");
        String floorFirst = newBucket("results-floor-first");
        String oursFirst = newBucket("results-ours-first");
        String rawKeep = newBucket("results-raw-keep");
        String rawFirst = newBucket("results-raw-first");
        Optional<ResultStore> oursKeepStore = OffloadStores.ours(s3, keep, true);
        Optional<ResultStore> oursFirstStore = OffloadStores.ours(s3, oursFirst, true);
        Optional<ResultStore> rawKeepStore = OffloadStores.ours(s3, rawKeep, false);
        Optional<ResultStore> rawFirstStore = OffloadStores.ours(s3, rawFirst, false);
        for (int mib : new int[] {1, 5}) {
            BareFunction big = new BareFunction(padding(mib * MIB - 80));
            int batch = mib == 1 ? settings.oneMibBatch() : settings.fiveMibBatch();
            Case offloadFirst = add(new Case("offload-" + mib + "MiB-first",
                    "offloaded " + mib + " MiB result, first execution", batch));
            variants(offloadFirst, this::newEvent, big,
                    floor(big, "floor-off" + mib + "-first", OffloadStores.floor(s3, floorFirst), false),
                    oursFirstStore.map(rs -> ours(big, "bench-off" + mib + "-first", 0, rs)).orElse(null), false);
            offloadFirst.variants.add(new Variant(RAW, call(this::newEvent, rawFirstStore
                    .map(rs -> ours(big, "bench-raw" + mib + "-first", 0, rs)).orElseThrow(), false), null));
            offloadFirst.afterBatch = () -> {
                OffloadStores.empty(s3Admin, floorFirst);
                OffloadStores.empty(s3Admin, oursFirst);
                OffloadStores.empty(s3Admin, rawFirst);
            };
            Case offloadReplay = add(new Case("offload-" + mib + "MiB-replay",
                    "offloaded " + mib + " MiB result, replay", batch));
            Supplier<Map<String, Object>> offloadEvent = fixedEvent("off" + mib + "-" + run);
            variants(offloadReplay, offloadEvent, big,
                    primed(floor(big, "floor-off" + mib + "-replay", OffloadStores.floor(s3, keep), false),
                            offloadEvent),
                    oursKeepStore.map(rs -> primed(ours(big, "bench-off" + mib + "-replay", 0, rs), offloadEvent))
                            .orElse(null),
                    false);
            offloadReplay.variants.add(new Variant(RAW, call(offloadEvent, primed(ours(big, "bench-raw" + mib
                    + "-replay", 0, rawKeepStore.orElseThrow()), offloadEvent), false), null));
        }
    }

    private Case add(Case c) {
        cases.add(c);
        return c;
    }

    private void variants(Case c, Supplier<Map<String, Object>> events, BareFunction bare,
            RequestHandler<Map<String, Object>, Receipt> floor, RequestHandler<Map<String, Object>, Receipt> ours,
            boolean throwing) {
        c.variants.add(new Variant("bare", call(events, bare, throwing), null));
        c.variants.add(new Variant("floor", call(events, floor, throwing), null));
        c.variants.add(new Variant("ours", call(events, ours, throwing), null));
    }

    private Call call(Supplier<Map<String, Object>> events, RequestHandler<Map<String, Object>, Receipt> handler,
            boolean throwing) {
        return new Call() {
            @Override
            public Map<String, Object> event() {
                return events.get();
            }

            @Override
            public void invoke(Map<String, Object> event) {
                if (throwing) {
                    try {
                        handler.handleRequest(event, context);
                    } catch (PaymentDeclinedException expected) {
                        return;
                    }
                    throw new IllegalStateException(handler + " did not pass the handler's exception through");
                }
                Receipt receipt = handler.handleRequest(event, context);
                if (!receipt.orderId().equals(event.get("orderId"))) {
                    throw new IllegalStateException(handler + " answered " + receipt.orderId() + " for "
                            + event.get("orderId"));
                }
            }
        };
    }

    private FloorFunction<Receipt> floor(BareFunction bare, String scope, FloorFunction.Offload offload,
            boolean cache) {
        return new FloorFunction<>(raw, bare, codec, scope, offload, IdempotencyConfig.DEFAULT_OFFLOAD_THRESHOLD_BYTES,
                cache);
    }

    private RequestHandler<Map<String, Object>, Receipt> ours(BareFunction bare, String functionName, int cacheSize,
            ResultStore resultStore) {
        return Idempotency.builder()
                .store(store)
                .resultStore(resultStore)
                .config(IdempotencyConfig.builder(Map.of()).functionName(functionName).keyPath("orderId")
                        .localCacheSize(cacheSize).build())
                .build()
                .wrap(bare, Receipt.class);
    }

    private static RequestHandler<Map<String, Object>, Receipt> inMemory(BareFunction bare, String functionName) {
        return Idempotency.builder()
                .store(new InMemoryIdempotencyStore())
                .config(IdempotencyConfig.builder(Map.of()).functionName(functionName).keyPath("orderId")
                        .localCacheSize(0).build())
                .build()
                .wrap(bare, Receipt.class);
    }

    /** Completes the replay key once, now (not measured), so that every measured call is a replay. */
    private RequestHandler<Map<String, Object>, Receipt> primed(RequestHandler<Map<String, Object>, Receipt> h,
            Supplier<Map<String, Object>> event) {
        h.handleRequest(event.get(), context);
        return h;
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

    private String newBucket(String prefix) {
        String bucket = prefix + "-" + run;
        s3Admin.createBucket(b -> b.bucket(bucket));
        return bucket;
    }

    /** Random lowercase alphanumerics (compresses about as badly as real payloads with ids and hashes). */
    static String padding(int length) {
        Random random = new Random(length);
        char[] chars = new char[length];
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        for (int i = 0; i < length; i++) {
            chars[i] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return new String(chars);
    }
}
