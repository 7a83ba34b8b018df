package dev.lambdaidempotency.localrunner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lambdaidempotency.examples.wiring.FunctionWiring;
import dev.lambdaidempotency.localrunner.trace.InvocationTrace;
import dev.lambdaidempotency.localrunner.trace.OpenTelemetryTraceSource;
import dev.lambdaidempotency.localrunner.trace.SpanNode;
import dev.lambdaidempotency.localrunner.trace.TraceJson;
import dev.lambdaidempotency.localrunner.trace.TraceSource;
import dev.lambdaidempotency.localrunner.trace.XRayTraceSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The README's first command with its traces: the runner's scenarios on embedded DynamoDB Local and S3Proxy, the
 * functions' real X-Ray recorder sending to the runner's UDP listener. Asserts the tree of every invocation (names,
 * nesting, SDK calls, the outcome annotation, error/fault) in the {@code --trace-out} JSON and in the printed report.
 * Arrival is awaited per invocation (the segment's own document, bounded), never slept for. Then the same scenarios
 * with the functions on the OpenTelemetry tracer ({@code --tracer opentelemetry}): the same trees, SDK calls aside.
 * Each test starts from an empty table (the SQS batch's message ids are fixed: a second run would replay them).
 */
class TracedDemoIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String FIRST = """
            PaymentApiFunction
              idempotency {new}
                claim
                  DynamoDb PutItem
                process
                record
                  DynamoDb PutItem
            """;
    private static final String REPLAY = """
            PaymentApiFunction
              idempotency {replay}
                claim
                  DynamoDb PutItem !error
                replay
            """;
    private static final String IN_PROGRESS = """
            PaymentApiFunction
              idempotency {in_progress}
                claim
                  DynamoDb PutItem !error
            """;
    private static final String FIRST_RECORD = """
              idempotency {new}
                claim
                  DynamoDb PutItem
                process
                record
                  DynamoDb PutItem
            """;
    private static final String REPLAYED_RECORD = """
              idempotency {replay}
                claim
                  DynamoDb PutItem !error
                replay
            """;

    private static XRayTraceSource xray;
    private static OpenTelemetryTraceSource otel;
    private static Backends backends;

    @BeforeAll
    static void start() {
        // before any function class loads: the recorder reads the address once, and the functions' OpenTelemetry
        // tracer takes the global OpenTelemetry when made; the functions trace with X-Ray unless a test says otherwise
        System.setProperty(FunctionWiring.Tracing.SETTING, "xray");
        // segments arrive in milliseconds, but the listener thread may not run for seconds on a loaded 2-core
        // machine; a segment that never arrives (a real regression) still fails the test, after this wait
        xray = XRayTraceSource.start(Duration.ofSeconds(60));
        otel = OpenTelemetryTraceSource.install();
        backends = Backends.embedded("idempotency-traced", "idempotency-traced-results");
    }

    @BeforeEach
    void emptyTable() {
        backends.dynamoDb().scan(b -> b.tableName(backends.table())).items().forEach(item -> backends.dynamoDb()
                .deleteItem(b -> b.tableName(backends.table()).key(Map.of("id", item.get("id")))));
    }

    @AfterAll
    static void stop() {
        if (backends != null) {
            backends.close();
        }
        if (xray != null) {
            xray.close();
        }
        if (otel != null) {
            otel.close();
        }
        System.clearProperty(FunctionWiring.Tracing.SETTING);
    }

    @Test
    void everyScenarioPrintsAndWritesTheTreeOfWhatTheFunctionsEmitted(@TempDir Path dir) throws Exception {
        Traces traces = new Traces(xray);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = System.out;
        System.setOut(new PrintStream(new Tee(out, printed), true, StandardCharsets.UTF_8));
        boolean passed;
        try {
            passed = new Demo(backends, Path.of("../events"), 8, traces).run();
        } finally {
            System.setOut(out);
        }
        assertTrue(passed, "the demo's own checks");
        Path file = dir.resolve("trace.json");
        traces.write(file);

        JsonNode written = JSON.readTree(Files.readString(file));
        assertEquals(TraceJson.FORMAT, written.get("format").asText());
        Map<String, List<JsonNode>> byScenario = new LinkedHashMap<>();
        for (JsonNode invocation : written.get("invocations")) {
            assertEquals(XRayTraceSource.SOURCE, invocation.get("source").asText());
            assertTrue(invocation.get("complete").asBoolean(), "every segment arrived: " + invocation);
            assertTrue(invocation.get("trace_id").asText().matches("1-[0-9a-f]{8}-[0-9a-f]{24}"));
            byScenario.computeIfAbsent(invocation.get("scenario").asText().replaceAll(":.*", ""),
                    s -> new ArrayList<>()).add(invocation.get("root"));
        }
        assertEquals(List.of("1. First execution", "2. Replay", "3. Concurrent duplicates", "4. Payload mismatch",
                "5. Missing key", "6. SQS batch", "7. Large result offloaded to S3"),
                List.copyOf(byScenario.keySet()));

        assertEquals(List.of(FIRST), shapes(byScenario.get("1. First execution")));
        assertEquals(List.of(REPLAY), shapes(byScenario.get("2. Replay")));

        List<String> concurrent = shapes(byScenario.get("3. Concurrent duplicates"));
        assertEquals(8, concurrent.size());
        assertEquals(1, concurrent.stream().filter(FIRST::equals).count(), "one execution among " + concurrent);
        assertTrue(Set.of(FIRST, REPLAY, IN_PROGRESS).containsAll(concurrent), "the others replayed or were "
                + "refused while in progress: " + concurrent);

        assertEquals(List.of("""
                PaymentApiFunction
                  idempotency {mismatch}
                    claim
                      DynamoDb PutItem !error
                """), shapes(byScenario.get("4. Payload mismatch")));
        assertEquals(List.of("PaymentApiFunction\n"), shapes(byScenario.get("5. Missing key")),
                "no key: the HTTP adapter answers 400 before any idempotency step");

        assertEquals(List.of(
                "OrderConsumerFunction\n" + FIRST_RECORD + FIRST_RECORD + REPLAYED_RECORD + FIRST_RECORD,
                "OrderConsumerFunction\n" + REPLAYED_RECORD.repeat(4)), shapes(byScenario.get("6. SQS batch")));

        assertEquals(List.of("""
                ReportFunction
                  idempotency {new}
                    claim
                      DynamoDb PutItem
                    process
                    record
                      offload
                        S3 PutObject
                      DynamoDb PutItem
                """, """
                ReportFunction
                  idempotency {replay}
                    claim
                      DynamoDb PutItem !error
                    replay
                      fetch
                        S3 GetObject
                """), shapes(byScenario.get("7. Large result offloaded to S3")));

        for (List<JsonNode> roots : byScenario.values()) {
            for (JsonNode root : roots) {
                for (JsonNode idempotency : root.get("children")) {
                    assertTrue(idempotency.get("annotations").get("idempotency_key_hash").asText()
                            .matches("[0-9a-f]{12}"), "the hashed key prefix only");
                    assertTrue(idempotency.get("duration_ms").asDouble() <= root.get("duration_ms").asDouble());
                }
            }
        }

        String report = printed.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("traces: X-Ray, the functions' recorder sending to a UDP listener on 127.0.0.1:"));
        List<String> traceLines = report.lines().filter(l -> l.contains("trace | ")).map(l -> l.replaceAll(
                "\\d+ ms", "N ms").replaceAll("trace 1-[0-9a-f-]+", "trace T").replaceAll("=[0-9a-f]{12}\\b", "=H"))
                .map(l -> l.substring(l.indexOf("trace | "))).toList();
        assertEquals(List.of(
                "trace | PaymentApiFunction N ms (trace T)",
                "trace |   idempotency N ms idempotency_key_hash=H idempotency_outcome=new "
                        + "idempotency_scope=payment-api@http",
                "trace |     claim N ms",
                "trace |       DynamoDb PutItem N ms",
                "trace |     process N ms",
                "trace |     record N ms",
                "trace |       DynamoDb PutItem N ms",
                "trace | PaymentApiFunction N ms (trace T)",
                "trace |   idempotency N ms idempotency_key_hash=H idempotency_outcome=replay "
                        + "idempotency_scope=payment-api@http",
                "trace |     claim N ms",
                "trace |       DynamoDb PutItem N ms error: ConditionalCheckFailedException",
                "trace |     replay N ms"), traceLines.subList(0, 12));
        assertTrue(traceLines.contains("trace | PaymentApiFunction N ms (trace T): no subsegments"));
        assertTrue(traceLines.stream().anyMatch(l -> l.matches("trace \\| 1 of 8 took this path, e\\.g\\. "
                + "PaymentApiFunction N ms \\(trace T\\)")), "the concurrent duplicates grouped by path");
        assertTrue(traceLines.contains("trace |       offload N ms"));
        assertTrue(traceLines.contains("trace |         S3 GetObject N ms"));
        assertEquals(0, xray.rejectedDatagrams());
    }

    @Test
    void aRequestWhoseClaimIsHeldIsRefusedInProgressAndTracedSo() {
        LambdaInvoker payments = LambdaInvoker.load(SampleFunction.PAYMENT_API, xray);
        String event = paymentEvent(UUID.randomUUID().toString());
        InvocationTrace first = payments.invoke(event).trace();
        assertEquals(FIRST, shape(first.root()));

        // what a crashed or still-running first invocation leaves: the record IN_PROGRESS with a live lease
        String hash = first.root().children().get(0).annotations().get("idempotency_key_hash");
        Map<String, AttributeValue> key = backends.dynamoDb().scan(b -> b.tableName(backends.table())).items()
                .stream().filter(item -> item.get("id").s().contains(hash)).map(item -> Map.of("id", item.get("id")))
                .collect(Collectors.collectingAndThen(Collectors.toList(), found -> {
                    assertEquals(1, found.size(), "one record for the key");
                    return found.get(0);
                }));
        backends.dynamoDb().updateItem(b -> b.tableName(backends.table()).key(key)
                .updateExpression("SET #status = :inprogress, #lease = :lease REMOVE #data")
                .expressionAttributeNames(Map.of("#status", "status", "#lease", "in_progress_expiration",
                        "#data", "data"))
                .expressionAttributeValues(Map.of(":inprogress", AttributeValue.fromS("IN_PROGRESS"),
                        ":lease", AttributeValue.fromN(Long.toString(Instant.now().plusSeconds(600).toEpochMilli())))));

        LambdaInvoker.Invocation refused = payments.invoke(event);
        assertEquals(409, ((APIGatewayProxyResponseEvent) refused.response()).getStatusCode());
        assertEquals(IN_PROGRESS, shape(refused.trace().root()));
        SpanNode idempotency = refused.trace().root().children().get(0);
        assertEquals(SpanNode.Status.OK, idempotency.status(), "a duplicate in progress is an annotation, no fault");
        assertEquals(hash, idempotency.annotations().get("idempotency_key_hash"));
    }

    @Test
    void openTelemetryShowsTheSameTreesAsXRayWithoutTheSdkCalls() {
        Map<String, List<String>> xrayTrees = demo(xray, "xray");
        emptyTable();
        Map<String, List<String>> otelTrees = demo(otel, "opentelemetry");

        assertEquals(xrayTrees.keySet(), otelTrees.keySet());
        assertEquals(7, otelTrees.size());
        String concurrent = "3. Concurrent duplicates";
        xrayTrees.forEach((scenario, trees) -> {
            if (!scenario.equals(concurrent)) {
                assertEquals(trees, otelTrees.get(scenario), scenario);
            }
        });
        // which duplicates replay and which are refused in progress depends on timing, in either run
        String first = """
                PaymentApiFunction
                  idempotency {new} [key_hash=#, scope=payment-api@http]
                    claim
                    process
                    record
                """;
        Set<String> paths = Set.of(first, """
                PaymentApiFunction
                  idempotency {replay} [key_hash=#, scope=payment-api@http]
                    claim
                    replay
                """, """
                PaymentApiFunction
                  idempotency {in_progress} [key_hash=#, scope=payment-api@http]
                    claim
                """);
        for (Map<String, List<String>> run : List.of(xrayTrees, otelTrees)) {
            List<String> duplicates = run.get(concurrent);
            assertEquals(8, duplicates.size());
            assertEquals(1, duplicates.stream().filter(first::equals).count(), duplicates.toString());
            assertTrue(paths.containsAll(duplicates), duplicates.toString());
        }
        assertEquals(List.of(first), otelTrees.get("1. First execution"));
        assertEquals(List.of("""
                ReportFunction
                  idempotency {new} [key_hash=#, scope=report-generator]
                    claim
                    process
                    record
                      offload
                """, """
                ReportFunction
                  idempotency {replay} [key_hash=#, scope=report-generator]
                    claim
                    replay
                      fetch
                """), otelTrees.get("7. Large result offloaded to S3"));
    }

    /**
     * Runs the demo with the functions on {@code tracer} ({@code IDEMPOTENCY_TRACER}), recorded by {@code source};
     * each scenario's trees in the form both sources share.
     */
    private static Map<String, List<String>> demo(TraceSource source, String tracer) {
        Traces traces = new Traces(source);
        System.setProperty(FunctionWiring.Tracing.SETTING, tracer);
        try {
            assertTrue(new Demo(backends, Path.of("../events"), 8, traces).run(), "the demo's own checks");
        } finally {
            System.setProperty(FunctionWiring.Tracing.SETTING, "xray");
        }
        Map<String, List<String>> trees = new LinkedHashMap<>();
        for (TraceJson.Entry entry : traces.entries()) {
            assertEquals(source == otel ? OpenTelemetryTraceSource.SOURCE : XRayTraceSource.SOURCE,
                    entry.trace().source());
            assertTrue(entry.trace().complete(), entry.toString());
            trees.computeIfAbsent(entry.scenario().replaceAll(":.*", ""), s -> new ArrayList<>())
                    .add(common(entry.trace().root()));
        }
        return trees;
    }

    /**
     * The tree in the form both sources share: no SDK calls (X-Ray only: its interceptor records them, and nothing
     * instruments the clients for OpenTelemetry in the runner), the three X-Ray annotations under one name each
     * (outcome; the key hash as {@code #} when it is 12 hex digits; scope) and a status other than ok with its cause.
     * The OpenTelemetry attributes that X-Ray keeps as metadata (latencies, {@code claimed}, ...) have nothing on the
     * X-Ray side of the tree to compare with.
     */
    private static String common(SpanNode root) {
        StringBuilder text = new StringBuilder();
        common(root, 0, text);
        return text.toString();
    }

    private static void common(SpanNode node, int depth, StringBuilder text) {
        if (node.operation() != null) {
            return;
        }
        Map<String, String> annotations = node.annotations();
        String outcome = annotations.getOrDefault("idempotency_outcome", annotations.get("idempotency.outcome"));
        String hash = annotations.getOrDefault("idempotency_key_hash", annotations.get("idempotency.key_hash_prefix"));
        String scope = annotations.getOrDefault("idempotency_scope", annotations.get("idempotency.scope"));
        text.append("  ".repeat(depth)).append(node.name());
        if (outcome != null) {
            text.append(" {").append(outcome).append('}');
        }
        if (hash != null || scope != null) {
            text.append(" [key_hash=").append(hash != null && hash.matches("[0-9a-f]{12}") ? "#" : hash)
                    .append(", scope=").append(scope).append(']');
        }
        if (node.status() != SpanNode.Status.OK) {
            text.append(" !").append(node.status()).append('(').append(node.cause()).append(')');
        }
        text.append('\n');
        node.children().forEach(child -> common(child, depth + 1, text));
    }

    private static String paymentEvent(String key) {
        try {
            ObjectNode event = (ObjectNode) JSON.readTree(Files.readString(Path.of("../events/payment-request.json")));
            ((ObjectNode) event.get("headers")).put("Idempotency-Key", key);
            if (event.get("multiValueHeaders") instanceof ObjectNode multi) {
                multi.putArray("Idempotency-Key").add(key);
            }
            return event.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tree as text: name, SDK operation, outcome annotation, error/fault; no times, no hashes. */
    private static List<String> shapes(List<JsonNode> roots) {
        return roots.stream().map(root -> {
            StringBuilder text = new StringBuilder();
            render(root, 0, text);
            return text.toString();
        }).toList();
    }

    private static void render(JsonNode node, int depth, StringBuilder text) {
        text.append("  ".repeat(depth)).append(node.get("name").asText());
        if (node.has("operation")) {
            text.append(' ').append(node.get("operation").asText());
        }
        if (node.get("annotations").has("idempotency_outcome")) {
            text.append(" {").append(node.get("annotations").get("idempotency_outcome").asText()).append('}');
        }
        if (!"ok".equals(node.get("status").asText())) {
            text.append(" !").append(node.get("status").asText());
        }
        text.append('\n');
        node.get("children").forEach(child -> render(child, depth + 1, text));
    }

    private static String shape(SpanNode root) {
        return shapes(List.of(TraceJson.span(root))).get(0);
    }

    /** Prints and keeps what the demo prints. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }
    }
}
