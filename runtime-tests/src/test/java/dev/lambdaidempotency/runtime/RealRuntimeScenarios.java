package dev.lambdaidempotency.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lambdaidempotency.testkit.AwsEndpoint;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The deployable jar in the real AWS Lambda Java runtime (runtime interface client behind the Runtime Interface
 * Emulator, one OS process per execution environment), configured from template.yaml, fed the event shapes API
 * Gateway, SQS and {@code sam local generate-event} produce, against a local backend (a subclass says which). Each
 * scenario asserts what the caller got and what the table and bucket hold afterwards. Skipped with the reason where
 * the emulator cannot be had (no Go toolchain), except under {@code CI=true}, where that is a failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RealRuntimeScenarios {
    private static final Path ROOT = Path.of(System.getProperty("repository.root", "..")).toAbsolutePath().normalize();
    private static final Path RUNTIME_DIR = Path.of(System.getProperty("runtime.dir", "target/lambda"));
    /** Longer than the payment function's Timeout in template.yaml: the provider outlives the function. */
    private static final String SLOW_PROVIDER_MS = "15000";
    /** Long enough that duplicates sent together all arrive while the first is still running. */
    private static final String OVERLAP_PROVIDER_MS = "2000";
    private static final int CONCURRENT_RUNTIMES = 4;

    private static final SampleEvents events = new SampleEvents(ROOT);
    private final List<LambdaRuntime> runtimes = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> timings = new ConcurrentHashMap<>();

    private DynamoDbClient dynamoDb;
    private S3Client s3;
    private String table;
    private String bucket;
    private SamTemplate template;
    private Map<String, String> backend;
    private Path rie;

    /** The backend the functions run against (registered by the subclass). */
    abstract LocalAwsExtension aws();

    /** Names this backend in the output and in the runtimes' log files. */
    abstract String backendName();

    @BeforeAll
    void startBackends() throws Exception {
        String reason = RuntimeInterfaceEmulator.unavailableReason(System.getenv());
        if (reason == null && !System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")) {
            reason = "the Lambda runtime interface client's native part needs Linux";
        }
        if (reason != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("the real-runtime tier cannot run on this CI machine: " + reason);
            }
            Assumptions.abort(reason);
        }
        rie = RuntimeInterfaceEmulator.binary();
        LocalAwsExtension aws = aws();
        dynamoDb = aws.dynamoDbClient();
        s3 = aws.s3Client();
        table = aws.newStore(dynamoDb).tableName();
        bucket = aws.newBucket(s3);
        template = SamTemplate.read(ROOT.resolve("template.yaml"), ROOT.resolve("samconfig.toml"));
        AwsEndpoint db = aws.dynamoDb();
        AwsEndpoint objects = aws.s3();
        backend = Map.of(
                "AWS_ENDPOINT_URL_DYNAMODB", db.uri().toString(),
                "AWS_ENDPOINT_URL_S3", objects.uri().toString(),
                "AWS_REGION", db.region().id(),
                "AWS_DEFAULT_REGION", db.region().id(),
                // one pair for both services, as in Lambda: S3Proxy checks signatures, DynamoDB Local takes any
                "AWS_ACCESS_KEY_ID", objects.accessKey(),
                "AWS_SECRET_ACCESS_KEY", objects.secretKey(),
                // local S3 servers answer path-style requests only; the SDK has no variable for it
                "IDEMPOTENCY_S3_PATH_STYLE", "true",
                // S3Proxy intermittently breaks url-connection uploads sent with Expect: 100-continue
                "IDEMPOTENCY_S3_EXPECT_CONTINUE", "false");
        System.out.printf("[runtime %s] DynamoDB %s, S3 %s; table %s, bucket %s; task roots from %s%n",
                backendName(), db.uri(), objects.uri(), table, bucket, artifactsDescription());
    }

    @AfterAll
    void stopRuntimesAndReport() {
        for (LambdaRuntime runtime : runtimes) {
            runtime.initDurationMs().ifPresent(ms -> timings.merge(runtime.label(),
                    String.format(Locale.ROOT, "init %.0f ms", ms), (a, b) -> b + ", " + a));
            runtime.close();
        }
        timings.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(entry -> System.out.printf("[runtime %s] %-26s %s%n", backendName(), entry.getKey(),
                        entry.getValue()));
    }

    // ------------------------------------------------------------------------------------------------ payment API

    @Test
    void paymentFirstCallReplayMismatchAndMissingKey() throws Exception {
        LambdaRuntime payments = runtime("PaymentApiFunction", "payment-api", Map.of());
        String key = UUID.randomUUID().toString();
        Map<String, Map<String, AttributeValue>> before = items();
        long chargesBefore = payments.count("created payment ");

        LambdaRuntime.Invocation first = payments.invoke(events.text(events.plainPayment(key)));
        JsonNode created = response(first);
        assertEquals(201, created.path("statusCode").asInt(), first.body());
        assertTrue(created.path("headers").path("Idempotent-Replayed").isMissingNode(), first.body());
        JsonNode payment = events.parse(created.path("body").asText());
        assertEquals(1250, payment.path("amount").asInt());
        note("payment-api", "first " + first.elapsed().toMillis() + " ms");

        LambdaRuntime.Invocation again = payments.invoke(events.text(events.plainPayment(key)));
        JsonNode replayed = response(again);
        assertEquals(201, replayed.path("statusCode").asInt(), again.body());
        assertEquals("true", replayed.path("headers").path("Idempotent-Replayed").asText(), again.body());
        assertEquals(payment, events.parse(replayed.path("body").asText()), "the replay is the stored payment");
        note("payment-api", "replay " + again.elapsed().toMillis() + " ms");

        ObjectNode changed = SampleEvents.withBody(events.plainPayment(key),
                "{\"amount\":9999,\"currency\":\"EUR\",\"customerId\":\"cus_4QFJOjw2pOmAGJ\"}");
        JsonNode mismatch = response(payments.invoke(events.text(changed)));
        assertEquals(422, mismatch.path("statusCode").asInt(), mismatch.toString());
        assertTrue(mismatch.path("body").asText().contains("idempotency-key-reused"), mismatch.toString());

        JsonNode missing = response(payments.invoke(events.text(SampleEvents.withoutKey(events.plainPayment(key)))));
        assertEquals(400, missing.path("statusCode").asInt(), missing.toString());
        assertTrue(missing.path("body").asText().contains("idempotency-key-missing"), missing.toString());

        Map<String, Map<String, AttributeValue>> added = newItems(before);
        assertEquals(1, added.size(), "one record for one payment: " + added.keySet());
        Map<String, AttributeValue> record = added.values().iterator().next();
        assertEquals("COMPLETED", record.get("status").s());
        assertTrue(record.get("data").s().contains(payment.path("id").asText()), "the record holds the payment");
        assertEquals(1, payments.awaitCount("created payment ", chargesBefore + 1) - chargesBefore,
                "the provider was charged once");
    }

    @Test
    void plainAndBase64BodiesOfTheSameJsonAreOneRequest() throws Exception {
        LambdaRuntime payments = runtime("PaymentApiFunction", "payment-api", Map.of());
        String key = UUID.randomUUID().toString();
        ObjectNode base64 = events.base64Payment(key);
        Map<String, Map<String, AttributeValue>> before = items();

        JsonNode first = response(payments.invoke(events.text(base64)));
        assertEquals(201, first.path("statusCode").asInt(), first.toString());
        String paymentId = events.parse(first.path("body").asText()).path("id").asText();

        // the same request with its JSON sent plain (no binary media type) is a repeat, not a different request:
        // the same event, method, path and query string, only the body's transfer encoding differs
        ObjectNode plain = SampleEvents.withBody(base64.deepCopy().put("isBase64Encoded", false),
                SampleEvents.body(base64));
        assertReplayOf(paymentId, response(payments.invoke(events.text(plain))));

        // base64 again, members reordered and spaced: the same JSON, compared canonically
        ObjectNode reordered = SampleEvents.withBody(base64, "{ \"description\": \"Order #1042\", \"customerId\": "
                + "\"cus_4QFJOjw2pOmAGJ\",\n \"currency\": \"EUR\", \"amount\": 1250 }");
        assertReplayOf(paymentId, response(payments.invoke(events.text(reordered))));

        // and a different amount behind base64 is still a different request
        ObjectNode other = SampleEvents.withBody(base64,
                "{\"amount\":1251,\"currency\":\"EUR\",\"customerId\":\"cus_4QFJOjw2pOmAGJ\"}");
        assertEquals(422, response(payments.invoke(events.text(other))).path("statusCode").asInt());

        assertEquals(1, newItems(before).size(), "one record");
    }

    @Test
    void concurrentDuplicatesAcrossExecutionEnvironmentsExecuteOnce() throws Exception {
        List<LambdaRuntime> environments = new ArrayList<>();
        for (int i = 1; i <= CONCURRENT_RUNTIMES; i++) {
            environments.add(runtime("PaymentApiFunction", "payment-api-concurrent-" + i,
                    Map.of("SIMULATED_PROVIDER_LATENCY_MS", OVERLAP_PROVIDER_MS)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT_RUNTIMES);
        try {
            // warm every environment (init happens on its first invocation) so the duplicates really overlap; one at
            // a time: in Lambda each environment has CPUs of its own, here four JVM inits would share two cores and
            // the emulator counts init against the first invocation's Timeout
            for (LambdaRuntime environment : environments) {
                String own = UUID.randomUUID().toString();
                assertEquals(201, response(environment.invoke(events.text(events.plainPayment(own))))
                        .path("statusCode").asInt());
            }
            Map<LambdaRuntime, Long> chargesBefore = new HashMap<>();
            environments.forEach(e -> chargesBefore.put(e, e.count("created payment ")));
            long executedBefore = chargesBefore.values().stream().mapToLong(Long::longValue).sum();

            String key = UUID.randomUUID().toString();
            String event = events.text(events.plainPayment(key));
            CountDownLatch go = new CountDownLatch(1);
            List<Future<LambdaRuntime.Invocation>> sent = new ArrayList<>();
            for (LambdaRuntime environment : environments) {
                sent.add(pool.submit(() -> {
                    go.await();
                    return environment.invoke(event);
                }));
            }
            go.countDown();
            List<JsonNode> answers = new ArrayList<>();
            for (Future<LambdaRuntime.Invocation> answer : sent) {
                answers.add(response(answer.get()));
            }

            List<JsonNode> executed = answers.stream().filter(a -> a.path("statusCode").asInt() == 201
                    && a.path("headers").path("Idempotent-Replayed").isMissingNode()).toList();
            assertEquals(1, executed.size(), "exactly one execution: " + answers);
            String paymentId = events.parse(executed.get(0).path("body").asText()).path("id").asText();
            int inProgress = 0;
            for (JsonNode answer : answers) {
                if (answer.path("statusCode").asInt() == 409) {
                    inProgress++;
                    assertEquals("1", answer.path("headers").path("Retry-After").asText(), answer.toString());
                } else if (answer != executed.get(0)) {
                    assertReplayOf(paymentId, answer);
                }
            }
            assertTrue(inProgress >= 1, "duplicates sent together meet the first one in progress: " + answers);
            // the charge's log line may trail its response: wait for it where it ran, then count everywhere
            LambdaRuntime charged = environments.get(answers.indexOf(executed.get(0)));
            charged.awaitCount("created payment ", chargesBefore.get(charged) + 1);
            long executedAfter = environments.stream().mapToLong(e -> e.count("created payment ")).sum();
            assertEquals(1, executedAfter - executedBefore, "one charge across all environments");
            note("payment-api-concurrent", CONCURRENT_RUNTIMES + " environments: 1 executed, " + inProgress
                    + " got 409, " + (CONCURRENT_RUNTIMES - 1 - inProgress) + " replayed");

            assertReplayOf(paymentId, response(environments.get(0).invoke(event)));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aHandlerKilledAtItsTimeoutLeavesALeaseThatARetryHonoursThenTakesOverOnce() throws Exception {
        LambdaRuntime slow = runtime("PaymentApiFunction", "payment-api-timeout",
                Map.of("SIMULATED_PROVIDER_LATENCY_MS", SLOW_PROVIDER_MS));
        LambdaRuntime healthy = runtime("PaymentApiFunction", "payment-api", Map.of());
        int timeoutSeconds = template.function("PaymentApiFunction", physicalNames()).timeoutSeconds();
        String key = UUID.randomUUID().toString();
        String event = events.text(events.plainPayment(key));
        Map<String, Map<String, AttributeValue>> before = items();

        ExecutorService first = Executors.newSingleThreadExecutor();
        try {
            Instant sent = Instant.now();
            Future<LambdaRuntime.Invocation> hanging = first.submit(() -> slow.invoke(event));

            // the client retries while the first invocation hangs: its claim holds, the retry is told to wait
            String id = awaitNewItem(before, hanging);
            Map<String, AttributeValue> claim = item(id);
            assertEquals("IN_PROGRESS", claim.get("status").s());
            Instant lease = Instant.ofEpochMilli(Long.parseLong(claim.get("in_progress_expiration").n()));
            assertTrue(lease.isAfter(sent) && !lease.isAfter(sent.plusSeconds(timeoutSeconds + 1L)),
                    "the lease comes from the invocation's remaining time: " + sent + " .. " + lease);
            JsonNode during = response(healthy.invoke(event));
            assertFalse(hanging.isDone(), "the first invocation is still running");
            assertEquals(409, during.path("statusCode").asInt(), "a retry during the lease: " + during);
            assertEquals("1", during.path("headers").path("Retry-After").asText());

            LambdaRuntime.Invocation killed = hanging.get();
            Duration ran = Duration.between(sent, Instant.now());
            assertTrue(killed.body().contains("Sandbox.Timedout") || killed.body().contains("Task timed out"),
                    "the emulator ends the invocation at the timeout: " + killed.body());
            assertTrue(ran.compareTo(Duration.ofSeconds(timeoutSeconds)) >= 0
                            && ran.compareTo(Duration.ofMillis(Long.parseLong(SLOW_PROVIDER_MS))) < 0,
                    "killed after the " + timeoutSeconds + " s timeout, before the provider answered: " + ran);
            assertEquals(0, slow.count("created payment "), "the killed invocation never finished");
            assertEquals("IN_PROGRESS", item(id).get("status").s(), "the killed invocation's claim remains");
            note("payment-api-timeout", "killed after " + ran.toMillis() + " ms; lease "
                    + Duration.between(sent, lease).toMillis() + " ms from the request");
            afterTheLease(healthy, event, id, lease);
        } finally {
            first.shutdownNow();
        }
    }

    private void afterTheLease(LambdaRuntime healthy, String event, String id, Instant lease) throws Exception {
        // a retry after the lease takes the claim over and runs exactly once more (the only way to a second run)
        awaitPast(lease);
        long chargesBefore = healthy.count("created payment ");
        JsonNode after = response(healthy.invoke(event));
        assertEquals(201, after.path("statusCode").asInt(), after.toString());
        assertTrue(after.path("headers").path("Idempotent-Replayed").isMissingNode(), after.toString());
        String paymentId = events.parse(after.path("body").asText()).path("id").asText();
        assertReplayOf(paymentId, response(healthy.invoke(event)));
        assertEquals(1, healthy.awaitCount("created payment ", chargesBefore + 1) - chargesBefore,
                "one takeover execution");
        assertEquals("COMPLETED", item(id).get("status").s());
    }

    // ------------------------------------------------------------------------------------------------ SQS consumer

    @Test
    void sqsBatchWithADuplicateAndItsRedelivery() throws Exception {
        LambdaRuntime consumer = runtime("OrderConsumerFunction", "order-consumer", Map.of());
        String a = "ord-" + UUID.randomUUID();
        String b = "ord-" + UUID.randomUUID();
        List<String> bodies = List.of(order(a, 2), order(b, 1), order(a, 2));
        Map<String, Map<String, AttributeValue>> before = items();

        LambdaRuntime.Invocation first = consumer.invoke(events.text(events.sqsBatch(bodies)));
        JsonNode response = events.parse(first.body());
        assertTrue(response.path("batchItemFailures").isArray(), "an SQS batch response: " + first.body());
        assertEquals(0, response.path("batchItemFailures").size(), "no record is reported failed: " + first.body());
        assertEquals(2, consumer.awaitCount(": PROCESSED", 2), "two orders processed");
        assertEquals(1, consumer.awaitCount(": DUPLICATE", 1), "the duplicate in the batch skipped");
        note("order-consumer", "first batch " + first.elapsed().toMillis() + " ms");

        Map<String, Map<String, AttributeValue>> added = newItems(before);
        assertEquals(2, added.size(), "one record per order");
        added.values().forEach(record -> assertEquals("COMPLETED", record.get("status").s()));

        // SQS redelivers the whole batch (a visibility timeout lapsed): nothing runs again
        LambdaRuntime.Invocation again = consumer.invoke(events.text(events.sqsBatch(bodies)));
        assertTrue(events.parse(again.body()).path("batchItemFailures").isArray(), again.body());
        assertEquals(0, events.parse(again.body()).path("batchItemFailures").size(), again.body());
        assertEquals(2, consumer.count(": PROCESSED"), "no order processed twice");
        assertEquals(4, consumer.awaitCount(": DUPLICATE", 4));
        assertEquals(added.keySet(), newItems(before).keySet(), "no new records");
        note("order-consumer", "redelivery " + again.elapsed().toMillis() + " ms");
    }

    // ------------------------------------------------------------------------------------------------ report

    @Test
    void aLargeReportIsOffloadedToS3AndReplayedByteForByte() throws Exception {
        LambdaRuntime reports = runtime("ReportFunction", "report-generator", Map.of());
        String requestId = "stmt-" + UUID.randomUUID();
        String event = events.text(events.reportRequest(requestId));
        Map<String, Map<String, AttributeValue>> before = items();
        Set<String> objectsBefore = objects().keySet();

        LambdaRuntime.Invocation first = reports.invoke(event);
        assertEquals(200, first.status());
        JsonNode report = events.parse(first.body());
        assertEquals(requestId, report.path("requestId").asText(), "not an error document: "
                + first.body().substring(0, Math.min(300, first.body().length())));
        assertTrue(first.body().length() > 1_000_000, "a multi-megabyte report: " + first.body().length());
        note("report-generator", "first " + first.elapsed().toMillis() + " ms (" + first.body().length() + " B)");

        Map<String, Map<String, AttributeValue>> added = newItems(before);
        assertEquals(1, added.size());
        Map<String, AttributeValue> record = added.values().iterator().next();
        assertEquals("COMPLETED", record.get("status").s());
        assertFalse(record.containsKey("data"), "the table keeps only a pointer");
        Map<String, AttributeValue> pointer = record.get("result_pointer").m();
        assertEquals(bucket, pointer.get("bucket").s());
        String objectKey = pointer.get("key").s();
        Map<String, S3Object> objects = objects();
        objects.keySet().removeAll(objectsBefore);
        assertEquals(Set.of(objectKey), objects.keySet(), "one object, the one the pointer names");
        assertEquals(Long.parseLong(pointer.get("size").n()), objects.get(objectKey).size());
        long itemBytes = record.entrySet().stream().mapToLong(e -> e.getKey().length() + e.getValue().toString()
                .length()).sum();
        assertTrue(itemBytes < 2_000, "a small item: ~" + itemBytes + " B");

        LambdaRuntime.Invocation again = reports.invoke(event);
        assertArrayEquals(first.body().getBytes(StandardCharsets.UTF_8), again.body().getBytes(StandardCharsets.UTF_8),
                "the replay is byte for byte the first response");
        note("report-generator", "replay " + again.elapsed().toMillis() + " ms");
        ResponseBytes<GetObjectResponse> stored = s3.getObjectAsBytes(r -> r.bucket(bucket).key(objectKey));
        assertEquals(objects.get(objectKey).size(), stored.asByteArray().length);
    }

    // ------------------------------------------------------------------------------------------------ report API

    @Test
    void theReportApiAnswers202TwiceHandsOverThroughAnAsynchronousInvokeThenLinksTheExactBytes() throws Exception {
        SamTemplate.Function function = template.function("ReportApiFunction", physicalNames());
        // S3 by host name, as a real S3-compatible server is reached: for an IP-literal endpoint the SDK picks path
        // style by itself, which would hide a presigner that ignores IDEMPOTENCY_S3_PATH_STYLE
        URI s3ByName = byName(aws().s3().uri());
        // the worker: another execution environment of the same function, where Lambda delivers the self-invoke
        LambdaRuntime worker = runtime("ReportApiFunction", "report-api-worker",
                Map.of("AWS_ENDPOINT_URL_S3", s3ByName.toString()));
        try (FakeLambdaInvokeApi lambda = FakeLambdaInvokeApi.start(worker)) {
            LambdaRuntime api = runtime("ReportApiFunction", "report-api", Map.of(
                    "AWS_ENDPOINT_URL_S3", s3ByName.toString(),
                    "AWS_ENDPOINT_URL_LAMBDA", lambda.uri().toString()));
            String requestId = "stmt-" + UUID.randomUUID();
            String event = events.text(events.reportApiRequest(UUID.randomUUID().toString(), requestId));
            Map<String, Map<String, AttributeValue>> before = items();
            Set<String> objectsBefore = objects().keySet();

            LambdaRuntime.Invocation first = api.invoke(event);
            JsonNode accepted = response(first);
            assertEquals(202, accepted.path("statusCode").asInt(), first.body());
            assertEquals("/reports", accepted.path("headers").path("Location").asText(), first.body());
            assertEquals("1", accepted.path("headers").path("Retry-After").asText(), first.body());
            assertEquals("accepted", events.parse(accepted.path("body").asText()).path("status").asText());
            note("report-api", "202 accepted " + first.elapsed().toMillis() + " ms");
            assertEquals(List.of(), lambda.refused(), "the function made no other Lambda call");
            assertEquals(1, lambda.events().size(), "one asynchronous self-invoke");
            FakeLambdaInvokeApi.Event handOver = lambda.events().get(0);
            assertTrue(handOver.functionName().endsWith(":function:" + function.name()),
                    "the function invokes its own ARN: " + handOver.functionName());
            JsonNode payload = events.parse(handOver.payload());
            assertFalse(payload.path("headers").path("Idempotency-Async-Claim").asText().isEmpty(),
                    "the hand-over carries its claim");
            assertEquals(SampleEvents.body(events.parse(event)), payload.path("body").asText(), "the request's body");

            // Lambda has queued the event but not delivered it yet: the repeat meets the work in progress
            JsonNode inProgress = response(api.invoke(event));
            assertEquals(202, inProgress.path("statusCode").asInt(), inProgress.toString());
            assertEquals("in-progress", events.parse(inProgress.path("body").asText()).path("status").asText());
            assertEquals(1, lambda.events().size(), "a repeat hands nothing over");

            lambda.release();
            assertTrue(Poll.until(() -> handOver.delivery().isDone(),
                    Duration.ofSeconds(function.timeoutSeconds())), "the worker invocation ended in time");
            LambdaRuntime.Invocation work = handOver.delivery().get();
            JsonNode completed = response(work);
            assertEquals(200, completed.path("statusCode").asInt(), work.body());
            assertEquals("completed", events.parse(completed.path("body").asText()).path("status").asText());
            note("report-api", "worker " + work.elapsed().toMillis() + " ms");

            LambdaRuntime.Invocation replay = api.invoke(event);
            JsonNode linked = response(replay);
            assertEquals(200, linked.path("statusCode").asInt(), replay.body());
            assertEquals("application/vnd.lambda-idempotency.result-link+json",
                    linked.path("headers").path("Content-Type").asText(), replay.body());
            assertEquals("true", linked.path("headers").path("Idempotent-Replayed").asText(), replay.body());
            assertTrue(replay.body().length() < 4096, "a link, not the statement: " + replay.body().length() + " B");
            JsonNode link = events.parse(linked.path("body").asText());
            note("report-api", "link " + replay.elapsed().toMillis() + " ms");

            // the presigned URL addresses the local S3 server path-style and downloads the recorded bytes
            URI url = URI.create(link.path("url").asText());
            assertEquals(s3ByName.getAuthority(), url.getAuthority(), url.toString());
            assertTrue(url.getPath().startsWith("/" + bucket + "/"), "path-style: " + url);
            HttpResponse<byte[]> download = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, download.statusCode(), () -> new String(download.body(), StandardCharsets.UTF_8));
            byte[] downloaded = download.body();
            assertEquals(link.path("size").asLong(), downloaded.length);
            assertEquals(link.path("sha256").asText(), sha256(downloaded), "the link's checksum");

            Map<String, S3Object> objects = objects();
            objects.keySet().removeAll(objectsBefore);
            assertEquals(1, objects.size(), "one object: " + objects.keySet());
            String objectKey = objects.keySet().iterator().next();
            assertTrue(url.getPath().endsWith("/" + objectKey), url + " names " + objectKey);
            byte[] stored = s3.getObjectAsBytes(r -> r.bucket(bucket).key(objectKey)).asByteArray();
            assertEquals(sha256(stored), sha256(downloaded), "the download is the stored object, byte for byte");
            JsonNode recorded = events.parse(new String(decoded(downloaded, link.path("contentEncoding").asText()),
                    StandardCharsets.UTF_8));
            assertEquals(200, recorded.path("statusCode").asInt());
            String statement = recorded.path("body").asText();
            assertTrue(statement.length() > 6 * 1024 * 1024, "over Lambda's response limit: " + statement.length());
            assertEquals(requestId, events.parse(statement).path("requestId").asText());

            Map<String, Map<String, AttributeValue>> added = newItems(before);
            List<Map<String, AttributeValue>> pointing = added.values().stream()
                    .filter(item -> item.containsKey("result_pointer")).toList();
            assertEquals(1, pointing.size(), "one record keeps the statement's pointer: " + added.keySet());
            assertEquals("COMPLETED", pointing.get(0).get("status").s());
            assertEquals(objectKey, pointing.get(0).get("result_pointer").m().get("key").s());

            // Lambda's asynchronous invocation is at least once: a second delivery of the hand-over runs nothing and
            // succeeds (no error, so Lambda would not retry it); its answer, which Lambda discards, is the in-progress
            // document resume's "another delivery ran it" maps to
            LambdaRuntime.Invocation duplicate = worker.invoke(handOver.payload());
            assertEquals(202, response(duplicate).path("statusCode").asInt(), duplicate.body());
            assertEquals(added.keySet(), newItems(before).keySet(), "no new records");
            Map<String, S3Object> after = objects();
            after.keySet().removeAll(objectsBefore);
            assertEquals(Set.of(objectKey), after.keySet(), "no new object");
            assertEquals(List.of(), lambda.refused());
            assertEquals(1, lambda.events().size());
        }
    }

    // ------------------------------------------------------------------------------------------------ plumbing

    private LambdaRuntime runtime(String logicalId, String label, Map<String, String> extra) throws Exception {
        synchronized (runtimes) {
            for (LambdaRuntime running : runtimes) {
                if (running.label().equals(label)) {
                    return running;
                }
            }
            SamTemplate.Function function = template.function(logicalId, physicalNames());
            Map<String, String> env = new HashMap<>(backend);
            env.putAll(extra);
            LambdaRuntime started = LambdaRuntime.start(label, rie, RUNTIME_DIR.resolve("ric"), taskRoot(logicalId),
                    function, env, RUNTIME_DIR.resolve("logs").resolve(backendName()));
            runtimes.add(started);
            return started;
        }
    }

    private Map<String, String> physicalNames() {
        return Map.of("IdempotencyTable", table, "ResultsBucket", bucket);
    }

    /**
     * The task root {@code sam build} made for the function when {@code LAMBDA_ARTIFACTS_DIR} names its output
     * ({@code .aws-sam/build}), else the same layout made from this build's shaded jar.
     */
    private static Path taskRoot(String logicalId) {
        String artifacts = System.getenv("LAMBDA_ARTIFACTS_DIR");
        Path root = artifacts != null ? ROOT.resolve(artifacts).resolve(logicalId) : RUNTIME_DIR.resolve("task");
        if (!Files.isRegularFile(root.resolve("lib").resolve("functions.jar"))) {
            fail("no deployable jar at " + root.resolve("lib/functions.jar") + (artifacts != null
                    ? " (LAMBDA_ARTIFACTS_DIR: run sam build first)" : " (run through Maven: mvn verify)"));
        }
        return root;
    }

    private static String artifactsDescription() {
        String artifacts = System.getenv("LAMBDA_ARTIFACTS_DIR");
        return artifacts != null ? "sam build output " + ROOT.resolve(artifacts) : RUNTIME_DIR.resolve("task")
                + " (this build's shaded jar, laid out as sam build does)";
    }

    /** An API Gateway proxy response returned through the runtime (an error document fails with the log). */
    private static JsonNode response(LambdaRuntime.Invocation invocation) {
        JsonNode response = events.parse(invocation.body());
        if (!response.has("statusCode")) {
            fail("not an API Gateway response: " + invocation.body());
        }
        return response;
    }

    private static void assertReplayOf(String paymentId, JsonNode answer) {
        assertEquals(201, answer.path("statusCode").asInt(), answer.toString());
        assertEquals("true", answer.path("headers").path("Idempotent-Replayed").asText(), answer.toString());
        assertEquals(paymentId, events.parse(answer.path("body").asText()).path("id").asText(), answer.toString());
    }

    /** {@code endpoint} with a loopback IP literal replaced by {@code localhost}. */
    private static URI byName(URI endpoint) {
        String host = endpoint.getHost();
        if (!"127.0.0.1".equals(host) && !"[::1]".equals(host)) {
            return endpoint;
        }
        return URI.create(endpoint.getScheme() + "://localhost:" + endpoint.getPort());
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static byte[] decoded(byte[] stored, String contentEncoding) throws IOException {
        if (!"gzip".equals(contentEncoding)) {
            return stored;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(stored))) {
            return in.readAllBytes();
        }
    }

    private static String order(String orderId, int quantity) {
        return "{\"orderId\":\"" + orderId + "\",\"customerId\":\"cus_4QFJOjw2pOmAGJ\",\"currency\":\"EUR\","
                + "\"lines\":[{\"sku\":\"SKU-CHAIR-01\",\"quantity\":" + quantity + ",\"unitPrice\":8900}]}";
    }

    private Map<String, Map<String, AttributeValue>> items() {
        Map<String, Map<String, AttributeValue>> all = new LinkedHashMap<>();
        dynamoDb.scanPaginator(r -> r.tableName(table).consistentRead(true)).items()
                .forEach(item -> all.put(item.get("id").s(), item));
        return all;
    }

    private Map<String, Map<String, AttributeValue>> newItems(Map<String, Map<String, AttributeValue>> before) {
        Map<String, Map<String, AttributeValue>> now = items();
        now.keySet().removeAll(before.keySet());
        return now;
    }

    private Map<String, AttributeValue> item(String id) {
        return dynamoDb.getItem(r -> r.tableName(table).key(Map.of("id", AttributeValue.fromS(id)))
                .consistentRead(true)).item();
    }

    private Map<String, S3Object> objects() {
        return s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream()
                .collect(Collectors.toMap(S3Object::key, o -> o, (x, y) -> x, LinkedHashMap::new));
    }

    /** Polls the table until an invocation running in another process has written its claim. */
    private String awaitNewItem(Map<String, Map<String, AttributeValue>> before, Future<?> running) {
        Poll.until(() -> running.isDone() || !newItems(before).isEmpty(), Duration.ofSeconds(30));
        Map<String, Map<String, AttributeValue>> added = newItems(before);
        if (added.isEmpty()) {
            return fail("no claim was written by the invocation (done: " + running.isDone() + ")");
        }
        assertEquals(1, added.size(), added.keySet().toString());
        return added.keySet().iterator().next();
    }

    /** Waits out a lease recorded in the table: real processes run on the real clock. */
    private static void awaitPast(Instant lease) {
        Instant past = lease.plusMillis(250);
        Poll.until(() -> Instant.now().isAfter(past), Duration.between(Instant.now(), past).plusSeconds(5));
        assertTrue(Instant.now().isAfter(lease));
    }

    private void note(String label, String text) {
        timings.merge(label, text, (a, b) -> a + ", " + b);
    }
}
