package dev.lambdaidempotency.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.xray.AWSXRayRecorder;
import com.amazonaws.xray.AWSXRayRecorderBuilder;
import com.amazonaws.xray.config.DaemonConfiguration;
import com.amazonaws.xray.contexts.LambdaSegmentContext;
import com.amazonaws.xray.contexts.SegmentContextResolverChain;
import com.amazonaws.xray.emitters.Emitter;
import com.amazonaws.xray.entities.TraceID;
import com.amazonaws.xray.strategy.RuntimeErrorContextMissingStrategy;
import com.amazonaws.xray.strategy.sampling.AllSamplingStrategy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdaidempotency.s3.S3ResultStore;
import dev.lambdaidempotency.spi.IdempotencyMetricsSink;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.xray.XRayIdempotencyTracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Both tracers, one sequence: {@link LifecycleSequence} runs on DynamoDB Local and S3Proxy once through the X-Ray
 * tracer (a UDP socket on loopback plays the X-Ray daemon and a recorder with Lambda's segment context plays the
 * function, as in the library's X-Ray integration test) and once through the OpenTelemetry tracer (an SDK with the
 * in-memory exporter, each invocation under a span standing in for the ADOT layer's). The trees must be the same,
 * step for step: names, nesting, outcome, attributes and their values (latencies aside), and which step failed with
 * which exception.
 */
class TracerParityIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    private static final String TRACE_HEADER_PROPERTY = "com.amazonaws.xray.traceHeader";
    private static final ObjectMapper JSON = new ObjectMapper();

    private DatagramSocket daemon;
    private final OpenTelemetryHarness otel = new OpenTelemetryHarness();

    @BeforeEach
    void setUp() throws IOException {
        Assumptions.assumeTrue(System.getenv(DaemonConfiguration.DAEMON_ADDRESS_ENVIRONMENT_VARIABLE_KEY) == null
                && System.getProperty(DaemonConfiguration.DAEMON_ADDRESS_SYSTEM_PROPERTY_KEY) == null,
                "an X-Ray daemon address in the environment overrides the test's socket");
        daemon = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        daemon.setReceiveBufferSize(4 << 20);
        daemon.setSoTimeout(5_000); // datagrams are sent synchronously: this only bounds a failing test
    }

    @AfterEach
    void tearDown() {
        System.clearProperty(TRACE_HEADER_PROPERTY);
        if (daemon != null) {
            daemon.close();
        }
        otel.close();
    }

    @Test
    void xRayAndOpenTelemetryRecordTheSameTreeForTheSameInvocations() throws Exception {
        AWSXRayRecorder recorder = recorder();
        int xrayRuns = new LifecycleSequence().run(aws.newStore(aws.dynamoDbClient()), newResultStore(),
                XRayIdempotencyTracer.create(recorder), IdempotencyMetricsSink.NONE, underLambdaTraceHeaders(recorder));
        List<JsonNode> segments = new ArrayList<>();
        for (int i = 0; i < LifecycleSequence.OUTCOMES.size(); i++) {
            segments.add(receiveIdempotency());
        }
        List<String> xray = segments.stream().map(Trees::xray).toList();

        int otelRuns = new LifecycleSequence().run(aws.newStore(aws.dynamoDbClient()), newResultStore(),
                OpenTelemetryIdempotencyTracer.create(otel.openTelemetry()), IdempotencyMetricsSink.NONE,
                otel.underInvocationSpans());
        List<String> openTelemetry = otel.idempotencyTrees();

        System.out.println("[x-ray]\n" + String.join("", xray) + "[opentelemetry]\n" + String.join("", openTelemetry));
        assertEquals(xrayRuns, otelRuns);
        assertEquals(xray, openTelemetry);
        assertEquals(LifecycleSequence.OUTCOMES, segments.stream()
                .map(s -> s.get("annotations").get("idempotency_outcome").textValue()).toList());
        assertEquals("""
                idempotency {outcome=handler_error} [key_hash=#, scope=traced, store_latency_ms=*]
                  claim [claimed=true]
                  process !error(java.lang.IllegalStateException)
                  release
                """, openTelemetry.get(5));
        assertTrue(openTelemetry.get(6).contains("    offload [result_bytes=40987, stored_bytes="),
                openTelemetry.get(6));
        assertTrue(openTelemetry.get(7).contains("    fetch [stored_bytes="), openTelemetry.get(7));

        // the key hash prefixes (masked in the trees) are the same values too
        List<SpanData> roots = otel.ended("idempotency");
        for (int i = 0; i < segments.size(); i++) {
            assertEquals(segments.get(i).get("annotations").get("idempotency_key_hash").textValue(),
                    roots.get(i).getAttributes().get(AttributeKey.stringKey(IdempotencyAttributes.KEY_HASH_PREFIX)));
        }
    }

    private S3ResultStore newResultStore() {
        S3Client s3 = aws.s3Client();
        return S3ResultStore.builder().client(s3).bucket(aws.newBucket(s3)).build();
    }

    private AWSXRayRecorder recorder() throws IOException {
        DaemonConfiguration daemonConfiguration = new DaemonConfiguration();
        daemonConfiguration.setDaemonAddress("127.0.0.1:" + daemon.getLocalPort());
        SegmentContextResolverChain chain = new SegmentContextResolverChain();
        LambdaSegmentContext lambda = new LambdaSegmentContext();
        chain.addResolver(() -> lambda);
        return AWSXRayRecorderBuilder.standard()
                .withEmitter(Emitter.create(daemonConfiguration))
                .withSamplingStrategy(new AllSamplingStrategy())
                .withSegmentContextResolverChain(chain)
                .withContextMissingStrategy(new RuntimeErrorContextMissingStrategy())
                .build();
    }

    /**
     * Each invocation under a fresh, sampled trace header: what the Lambda Java runtime sets before each. The header
     * is one system property per JVM, and the X-Ray SDK's Lambda context starts a new facade segment when it changes
     * (an execution environment runs one invocation at a time), so the in-progress duplicate, which overlaps the
     * first here but never in Lambda, keeps the header of the invocation in flight.
     */
    private static LifecycleSequence.Invocations underLambdaTraceHeaders(AWSXRayRecorder recorder) {
        AtomicInteger inFlight = new AtomicInteger();
        return new LifecycleSequence.Invocations() {
            @Override
            public <T> T around(Supplier<T> invocation) {
                if (inFlight.getAndIncrement() == 0) {
                    System.setProperty(TRACE_HEADER_PROPERTY, "Root=" + TraceID.create(recorder) + ";Parent="
                            + HexFormat.of().formatHex(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}) + ";Sampled=1");
                }
                try {
                    return invocation.get();
                } finally {
                    inFlight.decrementAndGet();
                    assertNull(new LambdaSegmentContext().getTraceEntity(), "no subsegment left open");
                }
            }
        };
    }

    /** Reads datagrams until the next {@code idempotency} subsegment. */
    private JsonNode receiveIdempotency() throws IOException {
        List<String> others = new ArrayList<>();
        while (true) {
            byte[] buffer = new byte[65_535];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            daemon.receive(packet);
            String datagram = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            JsonNode document = JSON.readTree(datagram.substring(datagram.indexOf('\n') + 1));
            if ("idempotency".equals(document.get("name").textValue())) {
                assertEquals("subsegment", document.get("type").textValue());
                return document;
            }
            others.add(document.get("name").textValue());
            assertTrue(others.size() < 20, "no idempotency subsegment among " + others);
        }
    }
}
