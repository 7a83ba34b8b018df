package dev.lambdaidempotency.benchmarks.runner;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.benchmarks.function.BareFunction;
import dev.lambdaidempotency.benchmarks.function.FloorFunction;
import dev.lambdaidempotency.benchmarks.function.RawFloorStore;
import dev.lambdaidempotency.benchmarks.function.Receipt;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.testkit.AwsEndpoint;
import dev.lambdaidempotency.testkit.RequestCounter;
import dev.lambdaidempotency.testkit.TestLambdaContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * N threads released together on the same new key, floor and ours. Each caller's first answer is the result or
 * "in progress"; callers told "in progress" retry every millisecond (as a client with a short back-off would) until
 * they hold the result. Measured: executions per key (must be 1), outcomes, the time from the release until every
 * caller has its first answer and until every caller holds the result, requests per caller.
 */
final class ContentionBenchmark {
    static final String TABLE = "bench-contention";
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** The figures of one thread count and variant. */
    static final class Result {
        final int threads;
        final String variant;
        final Samples firstAnswers = new Samples();
        final Samples allResults = new Samples();
        int repetitions;
        int maxExecutions;
        int minExecutions = Integer.MAX_VALUE;
        long results;
        long inProgress;
        long retries;
        long requests;

        Result(int threads, String variant) {
            this.threads = threads;
            this.variant = variant;
        }
    }

    private final RequestCounter counter = new RequestCounter();
    private final DynamoDbClient client;
    private final DynamoDbIdempotencyStore store;
    private final RawFloorStore raw;
    private final Context context = TestLambdaContext.fixed(60_000);
    private final JacksonReceiptCodec codec = new JacksonReceiptCodec(new ObjectMapper());
    private final String run = Long.toHexString(System.nanoTime());

    ContentionBenchmark(AwsEndpoint endpoint) {
        // a connection pool larger than the thread count, so the pool is not what the callers queue on
        this.client = DynamoDbClient.builder()
                .endpointOverride(endpoint.uri())
                .region(endpoint.region())
                .credentialsProvider(endpoint.credentials())
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(128))
                .overrideConfiguration(ClientOverrideConfiguration.builder().addExecutionInterceptor(counter).build())
                .build();
        this.store = DynamoDbIdempotencyStore.builder().client(client).tableName(TABLE).build();
        store.createTableIfMissing();
        this.raw = new RawFloorStore(client, TABLE);
    }

    List<Result> run(int[] threadCounts, int warmups, int repetitions) throws Exception {
        List<Result> results = new ArrayList<>();
        for (int threads : threadCounts) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                Result floor = new Result(threads, "floor");
                Result ours = new Result(threads, "ours");
                for (int rep = 0; rep < warmups + repetitions; rep++) {
                    boolean record = rep >= warmups;
                    // alternate which goes first
                    Result a = rep % 2 == 0 ? floor : ours;
                    Result b = rep % 2 == 0 ? ours : floor;
                    race(pool, a, record);
                    race(pool, b, record);
                }
                results.add(floor);
                results.add(ours);
            } finally {
                pool.shutdownNow();
                pool.awaitTermination(10, TimeUnit.SECONDS);
            }
        }
        return results;
    }

    void close() {
        client.close();
    }

    private void race(ExecutorService pool, Result result, boolean record) throws Exception {
        AtomicInteger executions = new AtomicInteger();
        BareFunction bare = new BareFunction();
        RequestHandler<Map<String, Object>, Receipt> counting = (event, ctx) -> {
            executions.incrementAndGet();
            return bare.handleRequest(event, ctx);
        };
        RequestHandler<Map<String, Object>, Receipt> handler = result.variant.equals("ours")
                ? Idempotency.builder().store(store)
                        .config(IdempotencyConfig.builder(Map.of()).functionName("contention").keyPath("orderId")
                                .build())
                        .build().wrap(counting, Receipt.class)
                : new FloorFunction<>(raw, counting, codec, "floor-contention", null, 0, false);
        String orderId = "race-" + run + "-" + result.threads + "-" + System.nanoTime();
        Map<String, Object> event = Map.of("orderId", orderId, "amountCents", 4200);
        CyclicBarrier barrier = new CyclicBarrier(result.threads);
        long requestsBefore = counter.total();
        List<Future<long[]>> callers = new ArrayList<>();
        for (int t = 0; t < result.threads; t++) {
            callers.add(pool.submit(() -> caller(barrier, handler, event)));
        }
        long release = Long.MAX_VALUE;
        long firstAnswers = Long.MIN_VALUE;
        long allResults = Long.MIN_VALUE;
        long inProgress = 0;
        long retries = 0;
        for (Future<long[]> caller : callers) {
            long[] c = caller.get(60, TimeUnit.SECONDS);
            release = Math.min(release, c[0]);
            firstAnswers = Math.max(firstAnswers, c[1]);
            allResults = Math.max(allResults, c[2]);
            inProgress += c[3];
            retries += c[4];
        }
        if (!record) {
            return;
        }
        result.repetitions++;
        result.firstAnswers.add(firstAnswers - release);
        result.allResults.add(allResults - release);
        result.maxExecutions = Math.max(result.maxExecutions, executions.get());
        result.minExecutions = Math.min(result.minExecutions, executions.get());
        result.inProgress += inProgress;
        result.results += result.threads - inProgress;
        result.retries += retries;
        result.requests += counter.total() - requestsBefore;
    }

    /** @return start, first answer, result in hand (nanoTime), first answer was "in progress" (0/1), retries */
    private long[] caller(CyclicBarrier barrier, RequestHandler<Map<String, Object>, Receipt> handler,
            Map<String, Object> event) throws Exception {
        barrier.await();
        long start = System.nanoTime();
        long firstAnswer = 0;
        long inProgress = 0;
        long calls = 0;
        while (true) {
            calls++;
            try {
                Receipt receipt = handler.handleRequest(event, context);
                long now = System.nanoTime();
                if (firstAnswer == 0) {
                    firstAnswer = now;
                }
                if (!receipt.orderId().equals(event.get("orderId"))) {
                    throw new IllegalStateException("wrong receipt " + receipt);
                }
                return new long[] {start, firstAnswer, now, inProgress, calls - 1};
            } catch (IdempotencyInProgressException | FloorFunction.InProgressException busy) {
                if (firstAnswer == 0) {
                    firstAnswer = System.nanoTime();
                    inProgress = 1;
                }
                LockSupport.parkNanos(RETRY_NANOS);
            }
        }
    }
}
