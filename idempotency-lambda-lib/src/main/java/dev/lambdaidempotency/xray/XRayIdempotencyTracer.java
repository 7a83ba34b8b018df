package dev.lambdaidempotency.xray;

import com.amazonaws.xray.AWSXRay;
import com.amazonaws.xray.AWSXRayRecorder;
import com.amazonaws.xray.contexts.LambdaSegmentContext;
import com.amazonaws.xray.contexts.SegmentContext;
import com.amazonaws.xray.entities.Entity;
import com.amazonaws.xray.entities.FacadeSegment;
import com.amazonaws.xray.entities.Subsegment;
import com.amazonaws.xray.entities.TraceHeader;
import dev.lambdaidempotency.internal.Environment;
import dev.lambdaidempotency.spi.IdempotencyTracer;
import java.util.Objects;

/**
 * Traces the idempotency lifecycle as X-Ray subsegments of the current segment (in Lambda: of the function's facade
 * segment).
 *
 * <pre>{@code
 * AWSXRayRecorder recorder = AWSXRayRecorderBuilder.defaultRecorder();   // or your application's recorder
 * Idempotency idempotency = Idempotency.builder()
 *     .store(store)
 *     .tracer(XRayIdempotencyTracer.create(recorder))
 *     .build();
 * // to see DynamoDB/S3 calls as children of claim/record/offload/replay/fetch:
 * DynamoDbClient dynamoDb = DynamoDbClient.builder()
 *     .overrideConfiguration(o -> o.addExecutionInterceptor(XRaySdkInterceptor.create(recorder)))
 *     .build();
 * }</pre>
 *
 * <p><b>What it records.</b> The engine's root subsegment {@code idempotency} carries the annotations (indexed, so
 * usable in filter expressions such as {@code annotation.idempotency_outcome = "replay"})
 * {@code idempotency_outcome} ({@code new}, {@code replay}, {@code in_progress}, {@code mismatch},
 * {@code handler_error}, {@code not_recorded}, {@code error}), {@code idempotency_key_hash} (the first 12 hex digits
 * of the key hash, never the key) and {@code idempotency_scope}. Sizes and latencies are metadata in the namespace
 * {@value #METADATA_NAMESPACE}. A duplicate, an in-progress conflict or a payload mismatch is an annotation, not a
 * fault: only steps that really failed (a store error, the handler's own exception, a lost or corrupt result) are
 * marked as faults, with the exception attached.
 *
 * <p><b>Never in the way.</b> A subsegment is opened only when the recorder has a current entity, or, in Lambda, a
 * complete and sampled trace header from which the SDK builds the facade segment; both are checked without invoking
 * the recorder's context-missing strategy, so with no trace (local runs, tests, a strategy of {@code RUNTIME_ERROR})
 * no method throws, logs or prints. The tracer never begins a segment and never changes the recorder's settings.
 * This class is thread-safe; each span belongs to the thread that opened it.
 */
public final class XRayIdempotencyTracer implements IdempotencyTracer {
    /** The metadata namespace of every value this tracer records. */
    public static final String METADATA_NAMESPACE = "idempotency";
    private static final String TRACE_HEADER_PROPERTY = "com.amazonaws.xray.traceHeader";
    private static final System.Logger LOG = System.getLogger("dev.lambdaidempotency.xray");

    private final AWSXRayRecorder recorder;
    private final Environment environment;

    private XRayIdempotencyTracer(AWSXRayRecorder recorder, Environment environment) {
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.environment = environment;
    }

    /**
     * A tracer recording through {@code recorder}; the recorder is used as configured and never modified.
     *
     * @param recorder e.g. {@code AWSXRayRecorderBuilder.defaultRecorder()} or the application's recorder
     * @return the tracer
     */
    public static XRayIdempotencyTracer create(AWSXRayRecorder recorder) {
        return new XRayIdempotencyTracer(recorder, Environment.system());
    }

    /**
     * Opt-in convenience: a tracer on the SDK's global recorder ({@code AWSXRay.getGlobalRecorder()}), which the
     * X-Ray SDK creates on first use if nothing else did. Prefer {@link #create(AWSXRayRecorder)} in libraries.
     *
     * @return the tracer
     */
    public static XRayIdempotencyTracer usingGlobalRecorder() {
        return create(AWSXRay.getGlobalRecorder());
    }

    /**
     * Whether a subsegment opened now on this thread would be recorded: the recorder has a current entity on a
     * sampled segment, or (in Lambda, before the first subsegment) the invocation's trace header is complete and
     * sampled. Never invokes the context-missing strategy.
     *
     * @return true when there is a trace to add to
     */
    public boolean isTracing() {
        try {
            return canBegin(recorder.getSegmentContextResolverChain().resolve());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "X-Ray context check failed; not tracing", e);
            return false;
        }
    }

    @Override
    public TraceSpan start(String name) {
        try {
            SegmentContext context = recorder.getSegmentContextResolverChain().resolve();
            if (!canBegin(context)) {
                return TraceSpan.NONE;
            }
            Subsegment subsegment = recorder.beginSubsegment(name);
            return subsegment == null ? TraceSpan.NONE : new XRaySpan(recorder, context, subsegment);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "could not open X-Ray subsegment " + name, e);
            return TraceSpan.NONE;
        }
    }

    private boolean canBegin(SegmentContext context) {
        if (context == null) {
            return false;
        }
        Entity current = context.getTraceEntity();
        if (current != null) {
            return current.getParentSegment().isSampled();
        }
        // in Lambda the facade segment is made on the first subsegment, from the invocation's trace header
        return context instanceof LambdaSegmentContext && sampledLambdaHeader();
    }

    private boolean sampledLambdaHeader() {
        String header = environment.get(Environment.XRAY_TRACE_ID);
        if (header == null) {
            header = System.getProperty(TRACE_HEADER_PROPERTY);
        }
        if (header == null || header.isBlank()) {
            return false;
        }
        TraceHeader parsed = TraceHeader.fromString(header);
        return parsed.getRootTraceId() != null && parsed.getParentId() != null
                && parsed.getSampled() == TraceHeader.SampleDecision.SAMPLED;
    }

    @Override
    public String toString() {
        return "XRayIdempotencyTracer";
    }

    /** One open subsegment. */
    private static final class XRaySpan implements TraceSpan {
        private final AWSXRayRecorder recorder;
        private final SegmentContext context;
        private final Subsegment subsegment;
        private boolean closed;

        XRaySpan(AWSXRayRecorder recorder, SegmentContext context, Subsegment subsegment) {
            this.recorder = recorder;
            this.context = context;
            this.subsegment = subsegment;
        }

        @Override
        public void annotate(String key, String value) {
            try {
                subsegment.putAnnotation(key, value);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "X-Ray annotation " + key + " dropped", e);
            }
        }

        @Override
        public void metadata(String key, Object value) {
            try {
                subsegment.putMetadata(METADATA_NAMESPACE, key, value);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "X-Ray metadata " + key + " dropped", e);
            }
        }

        @Override
        public void error(Throwable error) {
            try {
                subsegment.addException(error); // marks the subsegment as a fault
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "X-Ray exception dropped", e);
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (context.getTraceEntity() == subsegment) {
                    recorder.endSubsegment();
                    return;
                }
                // something opened below us was left open: end ours explicitly and put our parent back
                recorder.endSubsegment(subsegment);
                Entity parent = subsegment.getParent();
                if (parent instanceof FacadeSegment || parent == null) {
                    context.clearTraceEntity();
                } else {
                    context.setTraceEntity(parent);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "could not end X-Ray subsegment " + subsegment.getName(), e);
            }
        }
    }
}
