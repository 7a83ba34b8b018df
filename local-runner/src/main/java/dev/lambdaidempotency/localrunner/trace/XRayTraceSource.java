package dev.lambdaidempotency.localrunner.trace;

import com.amazonaws.xray.AWSXRay;
import com.amazonaws.xray.AWSXRayRecorder;
import com.amazonaws.xray.config.DaemonConfiguration;
import com.amazonaws.xray.entities.Segment;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The X-Ray segments and subsegments the functions really emit, received on a loopback UDP socket in place of the
 * daemon.
 *
 * <p><b>The recorder.</b> The functions trace through the X-Ray SDK's global recorder, whose emitter reads the
 * daemon address once, when the recorder is made: from {@code AWS_XRAY_DAEMON_ADDRESS} (what Lambda sets), else the
 * system property {@value DaemonConfiguration#DAEMON_ADDRESS_SYSTEM_PROPERTY_KEY}. {@link #start} sets the property
 * before any function class is loaded, then sends one probe segment and waits for it, so a recorder that was made
 * earlier (or a variable pointing elsewhere) is reported instead of silently showing no trace.
 *
 * <p><b>The segment.</b> In Lambda the recorder builds a read-only facade of the function's segment from the
 * invocation's trace header, and the library opens its subsegments under it. That header is process-wide (an
 * environment variable or system property), while the runner invokes concurrently on several threads; so the runner
 * plays the Lambda service instead: it begins one real segment per invocation on the invoking thread (named after
 * the function, origin {@code AWS::Lambda::Function}), and the library's subsegments open under it exactly as under
 * the facade. The recorder then sends the segment with its subsegments embedded when it ends.
 *
 * <p>Thread-safe: each invocation's segment belongs to its thread.
 */
public final class XRayTraceSource implements TraceSource {
    /** The {@link InvocationTrace#source()} of these traces. */
    public static final String SOURCE = "aws-xray";
    /** How long the runner waits for an invocation's segment: enough on a quiet machine, and a demo must not hang. */
    public static final Duration DEFAULT_ARRIVAL_TIMEOUT = Duration.ofSeconds(5);

    private final XRayDaemon daemon;
    private final AWSXRayRecorder recorder;
    private final Duration arrivalTimeout;

    private XRayTraceSource(XRayDaemon daemon, AWSXRayRecorder recorder, Duration arrivalTimeout) {
        this.daemon = daemon;
        this.recorder = recorder;
        this.arrivalTimeout = arrivalTimeout;
    }

    /**
     * Binds the socket, points the global recorder at it and checks that a probe segment arrives, waiting up to
     * {@link #DEFAULT_ARRIVAL_TIMEOUT} for each invocation's segment.
     *
     * @return the source
     * @throws IllegalStateException when the recorder's segments do not arrive (the reason in the message)
     */
    public static XRayTraceSource start() {
        return start(DEFAULT_ARRIVAL_TIMEOUT);
    }

    /**
     * As {@link #start()}, waiting up to {@code arrivalTimeout} for each invocation's segment (a segment that
     * arrives sooner is not waited for; one that never arrives makes the trace incomplete after it). Tests on a
     * loaded machine, where the listener thread may not run for seconds, pass a long one.
     *
     * @param arrivalTimeout how long to wait for each segment; positive
     * @return the source
     * @throws IllegalStateException when the recorder's segments do not arrive (the reason in the message)
     */
    public static XRayTraceSource start(Duration arrivalTimeout) {
        if (arrivalTimeout.isNegative() || arrivalTimeout.isZero()) {
            throw new IllegalArgumentException("arrivalTimeout must be positive, was " + arrivalTimeout);
        }
        String variable = System.getenv(DaemonConfiguration.DAEMON_ADDRESS_ENVIRONMENT_VARIABLE_KEY);
        if (variable != null && !variable.isBlank()) {
            throw new IllegalStateException(DaemonConfiguration.DAEMON_ADDRESS_ENVIRONMENT_VARIABLE_KEY + "="
                    + variable + " is set and would take precedence over the runner's listener");
        }
        XRayDaemon daemon = XRayDaemon.bind();
        System.setProperty(DaemonConfiguration.DAEMON_ADDRESS_SYSTEM_PROPERTY_KEY, daemon.address());
        XRayTraceSource source = new XRayTraceSource(daemon, AWSXRay.getGlobalRecorder(), arrivalTimeout);
        InvocationTrace probe = source.begin("local-runner-probe").end(null);
        if (!probe.complete()) {
            daemon.close();
            throw new IllegalStateException("the X-Ray recorder was made before the runner could point it at "
                    + daemon.address() + ": its segments go elsewhere");
        }
        return source;
    }

    @Override
    public String description() {
        return "X-Ray, the functions' recorder sending to a UDP listener on " + daemon.address();
    }

    @Override
    public Recording begin(String function) {
        Segment segment = recorder.beginSegment(function);
        segment.setOrigin("AWS::Lambda::Function");
        Instant started = Instant.now();
        return error -> {
            if (error != null) {
                segment.addException(error);
            }
            recorder.endSegment();
            String traceId = segment.getTraceId().toString();
            Optional<List<JsonNode>> documents = daemon.take(traceId, segment.getId(), arrivalTimeout);
            Optional<SpanNode> tree = XRayDocuments.tree(documents.orElseGet(() -> daemon.drain(traceId)),
                    segment.getId());
            SpanNode root = tree.orElseGet(() -> new SpanNode(function, null, started, null, SpanNode.Status.OK,
                    null, Map.of(), List.of()));
            return new InvocationTrace(SOURCE, traceId, root, documents.isPresent() && tree.isPresent());
        };
    }

    /** Datagrams received that were not X-Ray documents (the tests expect none). */
    public int rejectedDatagrams() {
        return daemon.rejected();
    }

    @Override
    public void close() {
        daemon.close();
    }
}
