package dev.lambdaidempotency.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.xray.AWSXRayRecorder;
import com.amazonaws.xray.AWSXRayRecorderBuilder;
import com.amazonaws.xray.config.DaemonConfiguration;
import com.amazonaws.xray.contexts.LambdaSegmentContext;
import com.amazonaws.xray.contexts.SegmentContextResolverChain;
import com.amazonaws.xray.contexts.ThreadLocalSegmentContextResolver;
import com.amazonaws.xray.emitters.Emitter;
import com.amazonaws.xray.entities.TraceID;
import com.amazonaws.xray.interceptors.TracingInterceptor;
import com.amazonaws.xray.strategy.ContextMissingStrategy;
import com.amazonaws.xray.strategy.RuntimeErrorContextMissingStrategy;
import com.amazonaws.xray.strategy.sampling.AllSamplingStrategy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.IdempotencyPayloadMismatchException;
import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.s3.S3ResultStore;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.xray.XRayIdempotencyTracer;
import dev.lambdaidempotency.xray.XRaySdkInterceptor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What {@link XRayIdempotencyTracer} really sends: a UDP socket on loopback plays the X-Ray daemon, a recorder with
 * Lambda's segment context plays the function (the facade segment comes from the invocation's trace header, as in
 * Lambda), and every path runs on DynamoDB Local and S3Proxy. The datagrams are parsed and their subsegment trees
 * compared as text.
 */
class XRayTracingIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    private static final String TRACE_HEADER_PROPERTY = "com.amazonaws.xray.traceHeader";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FIRST_WITH_OFFLOAD = """
            idempotency {outcome=new}
              claim
                DynamoDb PutItem
              process
              record
                offload
                  S3 PutObject
                DynamoDb PutItem
            """;

    /** The handler's result: a document of the requested size. */
    public record Document(String orderId, String body) {
    }

    private final AtomicInteger contextMissing = new AtomicInteger();
    private final AtomicInteger runs = new AtomicInteger();
    private DatagramSocket daemon;
    private AWSXRayRecorder recorder;

    @BeforeEach
    void setUp() throws IOException {
        Assumptions.assumeTrue(System.getenv(DaemonConfiguration.DAEMON_ADDRESS_ENVIRONMENT_VARIABLE_KEY) == null
                && System.getProperty(DaemonConfiguration.DAEMON_ADDRESS_SYSTEM_PROPERTY_KEY) == null,
                "an X-Ray daemon address in the environment overrides the test's socket");
        daemon = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        daemon.setReceiveBufferSize(4 << 20);
        // datagrams are sent synchronously when a subsegment ends: this only bounds a failing test
        daemon.setSoTimeout(5_000);
        recorder = recorder(new LambdaSegmentContext(), countingContextMissing());
    }

    @AfterEach
    void tearDown() {
        System.clearProperty(TRACE_HEADER_PROPERTY);
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void everyPathIsOneIdempotencySubsegmentWithItsStepsAndSdkCallsAsChildren() throws Exception {
        RequestHandler<Map<String, Object>, Document> handler = tracedHandler(recorder);

        Map<String, Object> big = order("o-1", 100, 40 * 1024, false);
        JsonNode first = invoke(handler, big);
        String firstTree = tree(first);
        System.out.println("[x-ray] first execution with offload:\n" + firstTree);
        assertEquals(FIRST_WITH_OFFLOAD, firstTree);
        JsonNode annotations = first.get("annotations");
        assertEquals("traced", annotations.get("idempotency_scope").textValue());
        assertTrue(annotations.get("idempotency_key_hash").textValue().matches("[0-9a-f]{12}"));
        assertFalse(first.path("fault").asBoolean(), "a first execution is no fault");
        assertTrue(first.get("metadata").get("idempotency").get("store_latency_ms").isNumber());
        assertTrue(first.get("metadata").get("idempotency").get("result_store_latency_ms").isNumber());
        JsonNode record = child(first, "record");
        assertEquals("offloaded", record.get("metadata").get("idempotency").get("stored_as").textValue());
        assertTrue(child(record, "offload").get("metadata").get("idempotency").get("stored_bytes").isNumber());

        JsonNode replay = invoke(handler, big);
        assertEquals("""
                idempotency {outcome=replay}
                  claim
                    DynamoDb PutItem !error
                  replay
                    fetch
                      S3 GetObject
                """, tree(replay));
        // the refused conditional write is a 400 to the SDK interceptor ("error", not "fault"); our own steps are fine
        assertFalse(replay.path("fault").asBoolean(), "a duplicate is an annotation, not a fault");
        assertFalse(replay.path("error").asBoolean());
        assertFalse(child(replay, "claim").path("fault").asBoolean());

        JsonNode mismatch = invoke(handler, order("o-1", 999, 40 * 1024, false));
        assertEquals("""
                idempotency {outcome=mismatch}
                  claim
                    DynamoDb PutItem !error
                """, tree(mismatch));
        assertFalse(mismatch.path("fault").asBoolean());

        JsonNode failed = invoke(handler, order("o-2", 100, 10, true));
        assertEquals("""
                idempotency {outcome=handler_error}
                  claim
                    DynamoDb PutItem
                  process !fault
                  release
                    DynamoDb DeleteItem
                """, tree(failed));
        JsonNode cause = child(failed, "process").get("cause").get("exceptions").get(0);
        assertEquals("java.lang.IllegalStateException", cause.get("type").textValue());

        assertEquals(1 + 1, runs.get(), "o-1 once, o-2 once; replay and mismatch ran nothing");
        assertEquals(0, contextMissing.get());
    }

    @Test
    void anInProgressDuplicateIsAnAnnotatedSubsegmentNotAFault() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RequestHandler<Map<String, Object>, Document> slow = Idempotency.builder()
                .store(newStore())
                .tracer(XRayIdempotencyTracer.create(recorder))
                .config(config())
                .build()
                .wrap((event, context) -> {
                    entered.countDown();
                    await(release);
                    return new Document("slow", "done");
                }, Document.class);
        beginInvocation();
        CompletableFuture<Document> first = CompletableFuture.supplyAsync(
                () -> slow.handleRequest(order("o-3", 1, 1, false), null));
        assertTrue(entered.await(30, TimeUnit.SECONDS));

        assertThrows(IdempotencyInProgressException.class, () -> slow.handleRequest(order("o-3", 1, 1, false), null));
        JsonNode duplicate = receiveIdempotency();
        release.countDown();
        assertEquals("done", first.get(30, TimeUnit.SECONDS).body());

        assertEquals("""
                idempotency {outcome=in_progress}
                  claim
                    DynamoDb PutItem !error
                """, tree(duplicate));
        assertFalse(duplicate.path("fault").asBoolean());
        assertFalse(duplicate.path("error").asBoolean());
        assertEquals("new", receiveIdempotency().get("annotations").get("idempotency_outcome").textValue());
    }

    @Test
    void aLostResultIsAFaultOnTheFetchStep() throws Exception {
        S3Client s3 = aws.s3Client(XRaySdkInterceptor.create(recorder));
        String bucket = aws.newBucket(s3);
        RequestHandler<Map<String, Object>, Document> handler = tracedHandler(recorder, newStore(), s3, bucket);
        Map<String, Object> big = order("o-4", 1, 40 * 1024, false);
        invoke(handler, big);
        s3.listObjectsV2(b -> b.bucket(bucket)).contents()
                .forEach(o -> s3.deleteObject(b -> b.bucket(bucket).key(o.key())));

        beginInvocation();
        assertThrows(IdempotencyResultUnavailableException.class, () -> handler.handleRequest(big, null));
        JsonNode lost = receiveIdempotency();

        assertEquals("""
                idempotency {outcome=error}
                  claim
                    DynamoDb PutItem !error
                  replay
                    fetch !fault
                      S3 GetObject !error
                """, tree(lost));
        assertEquals("dev.lambdaidempotency.IdempotencyResultUnavailableException", child(child(lost, "replay"), "fetch").get("cause")
                .get("exceptions").get(0).get("type").textValue());
    }

    @Test
    void withNoSegmentAndRuntimeErrorStrategyNothingThrowsPrintsOrIsSent() throws Exception {
        AWSXRayRecorder strict = recorder(new ThreadLocalSegmentContextResolver().resolve(),
                countingContextMissing());
        aws.dynamoDb();
        aws.s3(); // start both servers first: they print banners
        RequestHandler<Map<String, Object>, Document> handler = tracedHandler(strict);
        Map<String, Object> big = order("o-5", 1, 40 * 1024, false);

        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            Document first = handler.handleRequest(big, null);
            assertEquals(first, handler.handleRequest(big, null));
            assertThrows(IllegalStateException.class, () -> handler.handleRequest(order("o-6", 1, 1, true), null));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertEquals("", printed.toString(StandardCharsets.UTF_8));
        assertEquals(0, contextMissing.get(), "the context-missing strategy (which would throw) was never invoked");
        assertNoDatagram();

        // the same in Lambda's context before a trace header exists (the init phase): nothing is opened
        AWSXRayRecorder lambdaInit = recorder(new LambdaSegmentContext(), new RuntimeErrorContextMissingStrategy());
        RequestHandler<Map<String, Object>, Document> atInit = tracedHandler(lambdaInit);
        assertEquals("o-7", atInit.handleRequest(order("o-7", 1, 1, false), null).orderId());
        assertNoDatagram();

        // the guard matters: the X-Ray SDK's bare interceptor fails every call under RUNTIME_ERROR with no segment
        AWSXRayRecorder bare = recorder(new ThreadLocalSegmentContextResolver().resolve(),
                new RuntimeErrorContextMissingStrategy());
        DynamoDbClient unguarded = aws.dynamoDbClient(new TracingInterceptor(bare, null, null));
        assertThrows(RuntimeException.class, unguarded::listTables);
    }

    private AWSXRayRecorder recorder(com.amazonaws.xray.contexts.SegmentContext context,
            ContextMissingStrategy strategy) {
        DaemonConfiguration daemonConfiguration = new DaemonConfiguration();
        daemonConfiguration.setDaemonAddress("127.0.0.1:" + daemon.getLocalPort());
        SegmentContextResolverChain chain = new SegmentContextResolverChain();
        chain.addResolver(() -> context);
        try {
            return AWSXRayRecorderBuilder.standard()
                    .withEmitter(Emitter.create(daemonConfiguration))
                    .withSamplingStrategy(new AllSamplingStrategy())
                    .withSegmentContextResolverChain(chain)
                    .withContextMissingStrategy(strategy)
                    .build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private ContextMissingStrategy countingContextMissing() {
        return (message, exceptionClass) -> {
            contextMissing.incrementAndGet();
            new RuntimeErrorContextMissingStrategy().contextMissing(message, exceptionClass);
        };
    }

    private IdempotencyConfig config() {
        return IdempotencyConfig.builder(Map.of()).functionName("traced").keyPath("orderId").payloadPath("amount")
                .build();
    }

    private DynamoDbIdempotencyStore newStore() {
        return aws.newStore(aws.dynamoDbClient(XRaySdkInterceptor.create(recorder)));
    }

    private RequestHandler<Map<String, Object>, Document> tracedHandler(AWSXRayRecorder traced) {
        ExecutionInterceptor sdkTracing = XRaySdkInterceptor.create(traced);
        S3Client s3 = aws.s3Client(sdkTracing);
        return tracedHandler(traced, aws.newStore(aws.dynamoDbClient(sdkTracing)), s3, aws.newBucket(s3));
    }

    private RequestHandler<Map<String, Object>, Document> tracedHandler(AWSXRayRecorder traced,
            DynamoDbIdempotencyStore store, S3Client s3, String bucket) {
        return Idempotency.builder()
                .store(store)
                .resultStore(S3ResultStore.builder().client(s3).bucket(bucket).build())
                .tracer(XRayIdempotencyTracer.create(traced))
                .config(config())
                .build()
                .wrap((event, context) -> {
                    runs.incrementAndGet();
                    if (Boolean.TRUE.equals(event.get("fail"))) {
                        throw new IllegalStateException("card declined");
                    }
                    return new Document((String) event.get("orderId"), "x".repeat((Integer) event.get("size")));
                }, Document.class);
    }

    private static Map<String, Object> order(String id, int amount, int size, boolean fail) {
        return Map.of("orderId", id, "amount", amount, "size", size, "fail", fail);
    }

    /** Runs one invocation under a fresh Lambda trace header and returns its {@code idempotency} subsegment. */
    private JsonNode invoke(RequestHandler<Map<String, Object>, Document> handler, Map<String, Object> event)
            throws IOException {
        beginInvocation();
        try {
            handler.handleRequest(event, null);
        } catch (RuntimeException expected) {
            // the outcome is read from the trace
        }
        assertNull(new LambdaSegmentContext().getTraceEntity(), "no subsegment left open on the thread");
        return receiveIdempotency();
    }

    private void beginInvocation() {
        // what the Lambda Java runtime does before each invocation
        System.setProperty(TRACE_HEADER_PROPERTY, "Root=" + TraceID.create(recorder) + ";Parent="
                + HexFormat.of().formatHex(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}) + ";Sampled=1");
    }

    /** Reads datagrams until the next {@code idempotency} subsegment, checking the wire format of each. */
    private JsonNode receiveIdempotency() throws IOException {
        List<String> others = new ArrayList<>();
        while (true) {
            JsonNode document = receive();
            if ("idempotency".equals(document.get("name").textValue())) {
                assertEquals("subsegment", document.get("type").textValue(), "a subsegment of the facade, never a "
                        + "segment of our own");
                assertTrue(document.hasNonNull("parent_id") && document.hasNonNull("trace_id"));
                return document;
            }
            others.add(document.get("name").textValue());
            assertTrue(others.size() < 20, "no idempotency subsegment among " + others);
        }
    }

    private JsonNode receive() throws IOException {
        byte[] buffer = new byte[65_535];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        daemon.receive(packet);
        String datagram = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
        int newline = datagram.indexOf('\n');
        assertEquals("{\"format\": \"json\", \"version\": 1}", datagram.substring(0, newline));
        return JSON.readTree(datagram.substring(newline + 1));
    }

    private void assertNoDatagram() throws IOException {
        daemon.setSoTimeout(200);
        try {
            JsonNode unexpected = receive();
            throw new AssertionError("nothing should have been sent, got " + unexpected);
        } catch (SocketTimeoutException expected) {
            // nothing queued: emission is synchronous, so nothing is on its way either
        } finally {
            daemon.setSoTimeout(5_000);
        }
    }

    /** The subsegment tree as indented text: name, SDK operation, outcome annotation, fault/error flags. */
    static String tree(JsonNode subsegment) {
        StringBuilder text = new StringBuilder();
        render(subsegment, 0, text);
        return text.toString();
    }

    private static void render(JsonNode node, int depth, StringBuilder text) {
        text.append("  ".repeat(depth)).append(node.get("name").textValue());
        if (node.has("aws") && node.get("aws").has("operation")) {
            text.append(' ').append(node.get("aws").get("operation").textValue());
        }
        if (node.has("annotations") && node.get("annotations").has("idempotency_outcome")) {
            text.append(" {outcome=").append(node.get("annotations").get("idempotency_outcome").textValue())
                    .append('}');
        }
        if (node.path("fault").asBoolean()) {
            text.append(" !fault");
        }
        if (node.path("error").asBoolean()) {
            text.append(" !error");
        }
        text.append('\n');
        for (JsonNode child : node.path("subsegments")) {
            render(child, depth + 1, text);
        }
    }

    private static JsonNode child(JsonNode parent, String name) {
        for (JsonNode child : parent.path("subsegments")) {
            if (name.equals(child.get("name").textValue())) {
                return child;
            }
        }
        throw new AssertionError("no child " + name + " in " + tree(parent));
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
