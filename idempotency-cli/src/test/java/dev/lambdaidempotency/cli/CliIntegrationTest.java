package dev.lambdaidempotency.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lambdaidempotency.Execution;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyClaimLostException;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.IdempotentOperation;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.s3.S3ResultStore;
import dev.lambdaidempotency.spi.IdempotencyMetricsSink;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.testkit.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.s3.S3Client;

/** Every command in this JVM against DynamoDB Local and S3Proxy, on records the library itself wrote. */
class CliIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.embedded();

    private static final Duration LEASE = Duration.ofSeconds(30);

    private final MutableClock clock = MutableClock.start();
    private final List<DeleteItemRequest> deletes = new CopyOnWriteArrayList<>();
    private final ExecutorService invocations = Executors.newCachedThreadPool();
    private DynamoDbIdempotencyStore store;
    private S3Client s3;
    private String bucket;
    private Idempotency payments;
    private CliRun cli;

    @BeforeEach
    void setUp() {
        DynamoDbClient dynamoDb = AWS.dynamoDbClient(new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof DeleteItemRequest delete) {
                    deletes.add(delete);
                }
            }
        });
        store = AWS.newStore(dynamoDb);
        s3 = AWS.s3Client();
        bucket = AWS.newBucket(s3);
        payments = Idempotency.builder().store(store)
                .resultStore(S3ResultStore.builder().client(s3).bucket(bucket).compression(false).build())
                .metrics(IdempotencyMetricsSink.NONE)
                .config(IdempotencyConfig.builder(Map.of()).functionName("payments").keyHeader("Idempotency-Key")
                        .inProgressLease(LEASE).offloadThresholdBytes(64).clock(clock).build())
                .build();
        cli = new CliRun(AWS, dynamoDb, store.tableName(), clock);
    }

    @AfterEach
    void tearDown() {
        invocations.shutdownNow();
    }

    @Test
    void inspectFindsAnOperationRecordByItsKeyAsTheLibraryComputesIt() {
        IdempotentOperation<String> charge = payments.operation("charge", String.class);
        charge.call("order-1", () -> "charged");

        CliRun.Result result = cli.run("inspect", "--function", "payments", "--operation", "charge", "--key",
                "order-1", "--json");

        assertEquals(0, result.exitCode(), result.err());
        JsonNode record = result.json();
        assertEquals(charge.recordId("order-1").value(), record.get("id").asText());
        assertEquals("COMPLETED", record.get("status").asText());
        assertEquals("payments", record.get("function").asText());
        assertEquals("charge", record.get("operation").asText());
        assertEquals("inline", record.get("result").get("kind").asText());
        IdempotencyRecord stored = store.read(record.get("id").asText()).orElseThrow();
        assertEquals(stored.ownerToken(), record.get("owner").asText());
        assertEquals(stored.expiresAt().toString(), record.get("expiresAt").get("utc").asText());
        assertEquals("2030-01-01T02:00:00+01:00", record.get("expiresAt").get("local").asText());
        // completed at the clock's time (the expiry is stored to the second): expiry minus the default TTL (1 h)
        assertEquals(clock.instant().truncatedTo(ChronoUnit.SECONDS).toString(),
                record.get("recordedAt").get("utc").asText());

        CliRun.Result human = cli.run("inspect", "--function", "payments", "--operation", "charge", "--key",
                "order-1");
        assertTrue(human.out().matches("(?s).*\\nstatus +COMPLETED\\n.*"), human.out());
        assertTrue(human.out().contains("2030-01-01 01:00:00 UTC (2030-01-01 02:00:00 Europe/Paris)"), human.out());
    }

    @Test
    void inspectByHeaderOrEventFindsTheRecordAWrappedHandlerClaimed(@TempDir Path dir) throws Exception {
        RequestHandler<Map<String, Object>, String> handler = payments.wrap((event, context) -> "ok", String.class);
        Map<String, Object> event = Map.of("headers", Map.of("Idempotency-Key", "k-42"), "body", "{\"amount\":1}");
        handler.handleRequest(event, null);
        String id = payments.recordId(event).orElseThrow().value();
        Path file = dir.resolve("event.json");
        Files.writeString(file, "{\"headers\":{\"Idempotency-Key\":\"k-42\"},\"body\":\"{\\\"amount\\\":1}\"}");

        CliRun.Result byHeader = cli.run("inspect", "--function", "payments", "--header", "Idempotency-Key: k-42",
                "--json");
        CliRun.Result byEvent = cli.run("inspect", "--function", "payments", "--event", file.toString(),
                "--key-header", "Idempotency-Key", "--json");
        CliRun.Result byKey = cli.run("inspect", "--function", "payments", "--key", "k-42", "--json");

        for (CliRun.Result result : List.of(byHeader, byEvent, byKey)) {
            assertEquals(0, result.exitCode(), result.err());
            assertEquals(id, result.json().get("id").asText());
            assertTrue(result.json().get("operation").isNull());
        }
    }

    @Test
    void inspectChecksThatAnOffloadedResultExistsAndMatchesItsChecksum() {
        IdempotentOperation<String> report = payments.operation("report", String.class);
        report.call("r-1", () -> "x".repeat(5_000));
        String[] inspect = {"inspect", "--function", "payments", "--operation", "report", "--key", "r-1", "--json"};

        JsonNode intact = cli.run(inspect).json().get("result");
        assertEquals("offloaded", intact.get("kind").asText());
        assertEquals(bucket, intact.get("bucket").asText());
        assertTrue(intact.get("object").get("exists").asBoolean());
        assertTrue(intact.get("object").get("checksumMatches").asBoolean());
        assertEquals(intact.get("size").asLong(), intact.get("object").get("size").asLong());

        String key = intact.get("key").asText();
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("tampered"));
        CliRun.Result corrupt = cli.run(inspect);
        assertEquals(5, corrupt.exitCode());
        assertFalse(corrupt.json().get("result").get("object").get("checksumMatches").asBoolean());

        s3.deleteObject(b -> b.bucket(bucket).key(key));
        CliRun.Result missing = cli.run(inspect);
        assertEquals(5, missing.exitCode());
        assertFalse(missing.json().get("result").get("object").get("exists").asBoolean());
        assertTrue(cli.run("inspect", "--function", "payments", "--operation", "report", "--key", "r-1")
                .out().contains("MISSING from s3://" + bucket));
    }

    @Test
    void inspectOfAnUnknownKeyExitsNotFound() {
        CliRun.Result result = cli.run("inspect", "--function", "payments", "--key", "never-seen", "--json");

        assertEquals(1, result.exitCode());
        assertFalse(result.json().get("found").asBoolean());
    }

    /**
     * The "done when": an invocation killed mid-action leaves its key stuck; {@code stuck} lists it,
     * {@code release} frees it, and a new invocation then executes. The abandoned invocation, resumed at the end,
     * cannot overwrite the new result: its completion is fenced by its owner token.
     */
    @Test
    void aKeyLeftByAKilledInvocationIsListedAsStuckAndReleasedThenANewInvocationExecutes() throws Exception {
        IdempotentOperation<String> charge = payments.operation("charge", String.class);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        Future<Execution<String>> killed = invocations.submit(() -> charge.execute("order-7", null, null, () -> {
            running.countDown();
            resume.await(); // killed here: the action never completes while the test runs
            return "first";
        }));
        assertTrue(running.await(10, TimeUnit.SECONDS));
        String id = charge.recordId("order-7").value();
        String owner = store.read(id).orElseThrow().ownerToken();

        clock.advance(LEASE.plusSeconds(90)); // two minutes later: the lease ended 90 s ago

        CliRun.Result stuck = cli.run("stuck", "--json");
        assertEquals(0, stuck.exitCode(), stuck.err());
        JsonNode records = stuck.json().get("records");
        assertEquals(1, records.size());
        assertEquals(id, records.get(0).get("id").asText());
        assertEquals(owner, records.get(0).get("owner").asText());
        assertEquals(90, records.get(0).get("overdueSeconds").asLong());
        assertTrue(records.get(0).get("leasePassed").asBoolean());
        assertTrue(stuck.err().contains("page 1"), "progress on stderr: " + stuck.err());
        assertTrue(cli.run("stuck").out().contains(id + "  2m 00s ago"));
        assertEquals(0, cli.run("stuck", "--function", "other", "--json").json().get("records").size());

        CliRun.Result release = cli.run("release", "--id", id, "--owner", owner, "--json");
        assertEquals(0, release.exitCode(), release.err());
        assertEquals("released", release.json().get("action").asText());
        assertTrue(store.read(id).isEmpty());
        assertEquals(0, cli.run("stuck", "--json").json().get("records").size());

        Execution<String> next = charge.execute("order-7", null, null, () -> "second");
        assertEquals(Execution.Kind.EXECUTED, next.kind());
        assertEquals("second", next.result());

        resume.countDown();
        ExecutionException late = assertThrows(ExecutionException.class, () -> killed.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IdempotencyClaimLostException.class, late.getCause());
        assertEquals("second", charge.call("order-7", () -> "third"));
    }

    @Test
    void aClaimWhoseLeaseIsRunningIsReleasedOnlyWhenAllowed() throws Exception {
        IdempotentOperation<String> charge = payments.operation("charge", String.class);
        CountDownLatch running = new CountDownLatch(1);
        invocations.submit(() -> charge.execute("order-8", null, null, () -> {
            running.countDown();
            new CountDownLatch(1).await(); // killed: never returns
            return "never";
        }));
        assertTrue(running.await(10, TimeUnit.SECONDS));
        clock.advance(Duration.ofSeconds(10));
        String id = charge.recordId("order-8").value();
        String owner = store.read(id).orElseThrow().ownerToken();
        assertThrows(IdempotencyInProgressException.class, () -> charge.call("order-8", () -> "blocked"));

        assertEquals(0, cli.run("stuck", "--json").json().get("records").size());
        JsonNode live = cli.run("stuck", "--include-live", "--json").json().get("records");
        assertEquals(1, live.size());
        assertFalse(live.get(0).get("leasePassed").asBoolean());

        CliRun.Result refused = cli.run("release", "--id", id, "--owner", owner);
        assertEquals(3, refused.exitCode());
        assertTrue(refused.err().contains("--allow-live"), refused.err());
        assertEquals(3, cli.run("release", "--id", id, "--owner", "someone-else", "--allow-live").exitCode());
        assertTrue(store.read(id).isPresent());

        assertEquals(0, cli.run("release", "--id", id, "--owner", owner, "--allow-live").exitCode());
        assertEquals("unblocked", charge.call("order-8", () -> "unblocked"));
    }

    @Test
    void releaseSendsTheLibrarysOwnFencedDeleteAndDryRunShowsItWithoutSending() throws Exception {
        IdempotentOperation<String> charge = payments.operation("charge", String.class);
        CountDownLatch running = new CountDownLatch(1);
        invocations.submit(() -> charge.execute("order-9", null, null, () -> {
            running.countDown();
            new CountDownLatch(1).await();
            return "never";
        }));
        assertTrue(running.await(10, TimeUnit.SECONDS));
        clock.advance(Duration.ofMinutes(5));
        String id = charge.recordId("order-9").value();

        CliRun.Result dryRun = cli.run("release", "--id", id, "--force", "--dry-run", "--json");
        assertEquals(0, dryRun.exitCode(), dryRun.err());
        assertEquals("dry-run", dryRun.json().get("action").asText());
        assertTrue(deletes.isEmpty());
        assertTrue(store.read(id).isPresent());

        CliRun.Result declined = cli.runWithInput("no\n", "release", "--id", id, "--force");
        assertEquals(3, declined.exitCode());
        assertTrue(declined.err().contains("type 'yes' to confirm"), declined.err());
        assertTrue(deletes.isEmpty());

        CliRun.Result confirmed = cli.runWithInput("yes\n", "release", "--id", id, "--force");
        assertEquals(0, confirmed.exitCode(), confirmed.err());
        assertEquals(1, deletes.size());
        DeleteItemRequest sent = deletes.get(0);
        assertEquals(ReleaseCommand.RELEASE_CONDITION, sent.conditionExpression());
        assertEquals(dryRun.json().get("condition").asText(), sent.conditionExpression());
        assertEquals(dryRun.json().get("owner").asText(), sent.expressionAttributeValues().get(":owner").s());
        // the library's release, sent by the library's own store: the request a failed handler's release sends
        deletes.clear();
        assertThrows(IllegalStateException.class, () -> payments.<Map<String, Object>, String>wrap(
                (event, context) -> {
                    throw new IllegalStateException("handler failed");
                }, String.class).handleRequest(Map.of("headers", Map.of("Idempotency-Key", "fails")), null));
        assertEquals(1, deletes.size());
        assertEquals(sent.conditionExpression(), deletes.get(0).conditionExpression());
        assertEquals(sent.expressionAttributeNames(), deletes.get(0).expressionAttributeNames());
    }

    @Test
    void aCompletedRecordIsDeletedOnlyWhenAskedAndFencedByItsOwner() {
        IdempotentOperation<String> charge = payments.operation("charge", String.class);
        charge.call("order-10", () -> "done");
        String id = charge.recordId("order-10").value();

        CliRun.Result refused = cli.run("release", "--id", id, "--force", "--yes", "--json");
        assertEquals(3, refused.exitCode());
        assertEquals("refused", refused.json().get("action").asText());
        assertEquals("COMPLETED", refused.json().get("status").asText());

        assertEquals(0, cli.run("release", "--id", id, "--force", "--yes", "--include-completed", "--dry-run")
                .exitCode());
        assertTrue(store.read(id).isPresent());

        CliRun.Result deleted = cli.run("release", "--id", id, "--force", "--yes", "--include-completed");
        assertEquals(0, deleted.exitCode(), deleted.err());
        assertEquals(ReleaseCommand.RELEASE_COMPLETED_CONDITION, deletes.get(deletes.size() - 1)
                .conditionExpression());
        assertTrue(store.read(id).isEmpty());
        assertEquals(1, cli.run("release", "--id", id, "--force", "--yes").exitCode());
    }

    @Test
    void releasingACompletedOffloadedRecordLeavesItsObjectForTheLifecycleRuleAndSaysSo() {
        IdempotentOperation<String> report = payments.operation("report", String.class);
        report.call("r-release", () -> "x".repeat(5_000));
        String id = report.recordId("r-release").value();
        String key = cli.run("inspect", "--id", id, "--json").json().get("result").get("key").asText();

        CliRun.Result released = cli.run("release", "--id", id, "--force", "--yes", "--include-completed",
                "--json");

        assertEquals(0, released.exitCode(), released.err());
        assertTrue(store.read(id).isEmpty());
        assertTrue(released.json().get("message").asText().contains("s3://" + bucket + "/" + key
                + " is left for the bucket's lifecycle rule"), released.out());
        assertEquals(5_000 + 2, s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray().length,
                "the object is still there (uncompressed: a 5,000-character JSON string)");
        assertEquals("x".repeat(5_000), report.call("r-release", () -> "x".repeat(5_000)),
                "the re-run writes the same object key and its record replays it");
        assertEquals("x".repeat(5_000), report.call("r-release", () -> "not run"));
    }

    @Test
    void statsCountsByFunctionOperationAndStateWithinTheReadBudget() throws Exception {
        IdempotentOperation<String> charge = payments.operation("charge", String.class);
        IdempotentOperation<String> report = payments.operation("report", String.class);
        for (int i = 0; i < 5; i++) {
            charge.call("c-" + i, () -> "charged");
        }
        report.call("r-1", () -> "y".repeat(3_000));
        report.call("r-2", () -> "z".repeat(2_000));
        clock.advance(Duration.ofMinutes(1));
        CountDownLatch running = new CountDownLatch(1);
        invocations.submit(() -> charge.execute("c-stuck", null, null, () -> {
            running.countDown();
            new CountDownLatch(1).await();
            return "never";
        }));
        assertTrue(running.await(10, TimeUnit.SECONDS));
        clock.advance(LEASE.plusSeconds(1));

        CliRun.Result result = cli.run("stats", "--json", "--page-size", "3", "--max-rcu", "0.5");

        assertEquals(0, result.exitCode(), result.err());
        JsonNode stats = result.json();
        JsonNode chargeGroup = stats.get("groups").get(0);
        assertEquals("payments", chargeGroup.get("function").asText());
        assertEquals("charge", chargeGroup.get("operation").asText());
        assertEquals(5, chargeGroup.get("completed").asLong());
        assertEquals(1, chargeGroup.get("stuck").asLong());
        JsonNode reportGroup = stats.get("groups").get(1);
        assertEquals(2, reportGroup.get("offloaded").asLong());
        assertEquals(5_000 + 4, reportGroup.get("offloadedBytes").asLong()); // two JSON strings, quotes included
        assertEquals(8, stats.get("total").get("total").asLong());
        assertEquals("2030-01-01T00:00:00Z", stats.get("oldest").get("since").get("utc").asText());
        assertEquals(3, stats.get("scan").get("pages").asInt());
        double consumed = stats.get("scan").get("consumedRcu").asDouble();
        assertTrue(consumed > 0, "DynamoDB Local reports consumed capacity");
        Duration slept = cli.sleeps.stream().reduce(Duration.ZERO, Duration::plus);
        assertEquals(consumed / 0.5, slept.toNanos() / 1e9, 0.01, "the scan waited to average 0.5 RCU/s");
        assertTrue(cli.run("stats").out().contains("payments  charge"));
    }

    @Test
    void badArgumentsExitWithUsage() {
        for (String[] args : List.of(new String[] {"inspect", "--function", "payments"},
                new String[] {"release", "--id", "x"},
                new String[] {"inspect", "--function", "payments", "--operation", "charge", "--header", "K: k"},
                new String[] {"inspect", "--id", "not-an-id"},
                new String[] {"stats", "--max-rcu", "0"},
                new String[] {"nonsense"})) {
            CliRun.Result result = cli.run(args);
            assertEquals(2, result.exitCode(), String.join(" ", args) + ": " + result.err());
        }
    }
}
