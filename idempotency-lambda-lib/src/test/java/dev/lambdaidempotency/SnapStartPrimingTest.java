package dev.lambdaidempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.metrics.EmfMetricsSink;
import dev.lambdaidempotency.s3.S3ResultStore;
import dev.lambdaidempotency.spi.ClaimResult;
import dev.lambdaidempotency.spi.IdempotencyMetricsSink;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.spi.InvocationMetrics;
import dev.lambdaidempotency.spi.ResultPointer;
import dev.lambdaidempotency.spi.ResultStore;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.crac.Resource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Priming for SnapStart: the CRaC hook, called directly, warms every step once and writes nothing (every store call
 * but {@code prime()} fails the test; the real DynamoDB and S3 stores send no request).
 */
class SnapStartPrimingTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);

    /** A receipt, as a handler might return it. */
    public record Receipt(String id, long amountCents, List<String> lines) {
    }

    private final RefusingStore store = new RefusingStore();
    private final RefusingResultStore resultStore = new RefusingResultStore();
    private final RefusingMetrics metrics = new RefusingMetrics();

    private Idempotency.Builder builder() {
        return Idempotency.builder().store(store).resultStore(resultStore).metrics(metrics)
                .config(IdempotencyConfig.builder(Map.of()).functionName("payments").clock(CLOCK)
                        .keyHeader("Idempotency-Key").payloadPath("body").build());
    }

    @Test
    void theBeforeCheckpointHookRunsEachWarmUpStepOnceAndWritesNothing() throws Exception {
        Idempotency idempotency = builder().primeOnSnapStart(true).build();
        RequestHandler<Map<String, Object>, Receipt> neverRuns = (event, context) -> {
            throw new AssertionError("priming must never run the user's handler");
        };
        idempotency.wrap(neverRuns, Receipt.class);
        idempotency.operation("charge", Integer.class);
        idempotency.wrapStream((in, out, context) -> {
            throw new AssertionError("priming must never run the user's handler");
        });

        Resource hook = assertInstanceOf(Resource.class, idempotency.snapStartHook());
        hook.beforeCheckpoint(null);

        assertEquals(Map.of("keys:event", 1, "keys:explicit", 1, "result:" + Receipt.class.getName(), 1,
                "result:java.lang.Integer", 1, "result:stream-output", 1, "store", 1, "result-store", 1,
                "metrics", 1), idempotency.priming().completedSteps());
        assertEquals(1, store.primed.get());
        assertEquals(1, resultStore.primed.get());
        assertEquals(1, metrics.primed.get());
        hook.afterRestore(null);
        assertEquals(1, store.primed.get(), "a restore primes nothing again");
    }

    @Test
    void theRealStoresAndTheEmfSinkPrimeWithoutARequestOrALine() {
        List<String> requests = new CopyOnWriteArrayList<>();
        ExecutionInterceptor refuseAll = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                requests.add(context.request().getClass().getSimpleName());
                throw new AssertionError("priming sent " + context.request());
            }
        };
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b"));
        try (DynamoDbClient dynamoDb = DynamoDbClient.builder().region(Region.EU_WEST_1)
                .credentialsProvider(credentials).overrideConfiguration(o -> o.addExecutionInterceptor(refuseAll)).build();
                S3Client s3 = S3Client.builder().region(Region.EU_WEST_1).credentialsProvider(credentials)
                        .overrideConfiguration(o -> o.addExecutionInterceptor(refuseAll)).build()) {
            ByteArrayOutputStream emf = new ByteArrayOutputStream();
            Idempotency idempotency = Idempotency.builder()
                    .store(DynamoDbIdempotencyStore.builder().client(dynamoDb).tableName("idempotency").build())
                    .resultStore(S3ResultStore.builder(Map.of()).client(s3).bucket("results").build())
                    .metrics(EmfMetricsSink.builder().out(new PrintStream(emf, true, StandardCharsets.UTF_8)).build())
                    .config(IdempotencyConfig.builder(Map.of()).functionName("reports").clock(CLOCK)
                            .keyPath("body.reportId").build())
                    .build();
            idempotency.wrap((Map<String, Object> event, com.amazonaws.services.lambda.runtime.Context context) ->
                    new Receipt("r", 1, List.of("a")), Receipt.class);

            idempotency.prime();

            assertEquals(Map.of("keys:event", 1, "keys:explicit", 1, "result:" + Receipt.class.getName(), 1,
                    "store", 1, "result-store", 1, "metrics", 1), idempotency.priming().completedSteps());
            assertEquals(List.of(), requests);
            assertEquals(0, emf.size(), "no metrics line for a warm-up");
        }
    }

    @Test
    void aFailingStepIsSkippedAndTheOthersStillRun() {
        IdempotencyStore brokenPrime = new RefusingStore() {
            @Override
            public void prime() {
                throw new IllegalStateException("cannot warm up");
            }
        };
        Idempotency idempotency = Idempotency.builder().store(brokenPrime).metrics(metrics)
                .config(IdempotencyConfig.builder(Map.of()).functionName("fn").clock(CLOCK).build()).build();
        idempotency.wrap((Object event, com.amazonaws.services.lambda.runtime.Context context) -> "x", String.class);

        idempotency.prime();

        Map<String, Integer> steps = idempotency.priming().completedSteps();
        assertFalse(steps.containsKey("store"), steps.toString());
        assertEquals(1, steps.get("result:java.lang.String"));
        assertEquals(1, steps.get("metrics"));
    }

    @Test
    void aResultTypeNoSampleFitsIsSkippedWithoutRunningAnything() {
        Idempotency idempotency = builder().build();
        idempotency.operation("opaque", Opaque.class);

        idempotency.prime();

        Map<String, Integer> steps = idempotency.priming().completedSteps();
        assertFalse(steps.containsKey("result:" + Opaque.class.getName()), steps.toString());
        assertEquals(1, steps.get("keys:event"));
    }

    @Test
    void afterPrimingTheSampleKeyIsStillClaimedForRealNotReplayedFromTheWarmUp() {
        ClaimCapture capture = new ClaimCapture();
        Idempotency idempotency = Idempotency.builder().store(capture).metrics(IdempotencyMetricsSink.NONE)
                .config(IdempotencyConfig.builder(Map.of()).functionName("payments").clock(CLOCK).localCacheSize(16)
                        .keyHeader("Idempotency-Key").build())
                .build();
        RequestHandler<Map<String, Object>, Receipt> handler = idempotency.wrap(
                (event, context) -> new Receipt("r", 1, List.of()), Receipt.class);
        idempotency.prime();

        assertThrows(ClaimCapture.Stop.class, () -> handler.handleRequest(
                Map.of("headers", Map.of("Idempotency-Key", "prime-key")), null));
        assertEquals("payments", capture.claim.id().substring(0, capture.claim.id().indexOf('#')));
    }

    @Test
    void withoutTheOptionNoHookIsRegistered() {
        assertNull(builder().build().snapStartHook());
    }

    @Test
    void outsideACracRuntimeTheRegisteredHookIsInert() {
        builder().primeOnSnapStart(true).build();
        assertEquals(0, store.primed.get(), "registration alone primes nothing");
        // this JVM has no CRaC implementation: org.crac only forwards to one when it exists
        assertThrows(UnsupportedOperationException.class, org.crac.Core::checkpointRestore);
    }

    /** Jackson cannot make one from any JSON sample. */
    public static final class Opaque {
        private Opaque(Thread a, Thread b) {
        }
    }

    /** Fails on any call but {@link #prime()}. */
    private static class RefusingStore implements IdempotencyStore {
        final AtomicInteger primed = new AtomicInteger();

        @Override
        public ClaimResult claim(IdempotencyRecord claim, Instant now) {
            throw new AssertionError("priming claimed " + claim.id());
        }

        @Override
        public void complete(IdempotencyRecord completed) {
            throw new AssertionError("priming wrote " + completed.id());
        }

        @Override
        public void release(String id, String ownerToken) {
            throw new AssertionError("priming deleted " + id);
        }

        @Override
        public void prime() {
            primed.incrementAndGet();
        }
    }

    private static final class RefusingResultStore implements ResultStore {
        final AtomicInteger primed = new AtomicInteger();

        @Override
        public ResultPointer put(String recordId, InputStream json, long length) {
            throw new AssertionError("priming uploaded " + recordId);
        }

        @Override
        public byte[] get(String recordId, ResultPointer pointer) {
            throw new AssertionError("priming downloaded " + recordId);
        }

        @Override
        public void prime() {
            primed.incrementAndGet();
        }
    }

    private static final class RefusingMetrics implements IdempotencyMetricsSink {
        final AtomicInteger primed = new AtomicInteger();

        @Override
        public void record(InvocationMetrics metrics) {
            throw new AssertionError("priming emitted metrics for " + metrics.scope());
        }

        @Override
        public void prime() {
            primed.incrementAndGet();
        }
    }
}
