package dev.lambdaidempotency.opentelemetry;

import dev.lambdaidempotency.spi.IdempotencyMetricsSink;
import dev.lambdaidempotency.spi.InvocationMetrics;
import dev.lambdaidempotency.spi.InvocationMetrics.Outcome;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records the library's metrics as OpenTelemetry instruments, so that every OpenTelemetry exporter (OTLP to the
 * ADOT collector, Prometheus, Datadog, ...) receives them. The figures are those of
 * {@code dev.lambdaidempotency.metrics.EmfMetricsSink}: for every EMF metric, an instrument recorded on exactly the
 * invocations whose EMF line carries it, with the same value (durations in seconds instead of milliseconds).
 *
 * <pre>{@code
 * Idempotency idempotency = Idempotency.builder()
 *     .store(store)
 *     .metrics(OpenTelemetryMetricsSink.usingGlobal())        // or create(openTelemetrySdk)
 *     .build();
 * }</pre>
 *
 * <table>
 * <caption>Instruments (meter {@value OpenTelemetryIdempotencyTracer#INSTRUMENTATION_SCOPE}; the one attribute is
 * {@value IdempotencyAttributes#SCOPE})</caption>
 * <tr><th>EMF metric</th><th>Instrument</th><th>Type, unit</th><th>Recorded</th></tr>
 * <tr><td>Executions</td><td>{@value #EXECUTIONS}</td><td>counter, {@code {execution}}</td>
 *     <td>0 or 1 per invocation</td></tr>
 * <tr><td>Replays</td><td>{@value #REPLAYS}</td><td>counter, {@code {replay}}</td><td>0 or 1 per invocation</td></tr>
 * <tr><td>InProgressConflicts</td><td>{@value #IN_PROGRESS_CONFLICTS}</td><td>counter, {@code {conflict}}</td>
 *     <td>0 or 1 per invocation</td></tr>
 * <tr><td>PayloadMismatches</td><td>{@value #PAYLOAD_MISMATCHES}</td><td>counter, {@code {mismatch}}</td>
 *     <td>0 or 1 per invocation</td></tr>
 * <tr><td>ClaimTakeovers</td><td>{@value #CLAIM_TAKEOVERS}</td><td>counter, {@code {takeover}}</td>
 *     <td>0 or 1 per invocation</td></tr>
 * <tr><td>HandlerErrors</td><td>{@value #HANDLER_ERRORS}</td><td>counter, {@code {error}}</td>
 *     <td>0 or 1 per invocation</td></tr>
 * <tr><td>NotRecorded</td><td>{@value #NOT_RECORDED}</td><td>counter, {@code {answer}}</td>
 *     <td>0 or 1 per invocation (EMF writes it only when 1: a CloudWatch metric costs,
 *     an OpenTelemetry 0 does not)</td></tr>
 * <tr><td>IdempotencyErrors</td><td>{@value #IDEMPOTENCY_ERRORS}</td><td>counter, {@code {error}}</td>
 *     <td>0 or 1 per invocation</td></tr>
 * <tr><td>OffloadedResults</td><td>{@value #OFFLOADED_RESULTS}</td><td>counter, {@code {result}}</td>
 *     <td>1 per offloaded result</td></tr>
 * <tr><td>OffloadedBytes</td><td>{@value #OFFLOADED_RESULT_SIZE}</td><td>histogram, {@code By}</td>
 *     <td>per offloaded result</td></tr>
 * <tr><td>StoreLatency</td><td>{@value #STORE_DURATION}</td><td>histogram, {@code s}</td>
 *     <td>per invocation that called the idempotency store</td></tr>
 * <tr><td>ResultStoreLatency</td><td>{@value #RESULT_STORE_DURATION}</td><td>histogram, {@code s}</td>
 *     <td>per invocation that called the result store</td></tr>
 * </table>
 * Counters of outcomes are recorded on every invocation (adding 0 when the outcome is another), so each scope's
 * series exist from its first invocation and rates need no "missing means zero". Names follow the OpenTelemetry
 * conventions (lower case, {@code .}-namespaced, units as UCUM annotations, durations in seconds); a Prometheus
 * exporter turns them into {@code idempotency_executions_total}, {@code idempotency_store_duration_seconds} and so
 * on. The outcome is not an attribute: it is what the counters count (as in EMF, where it is no dimension).
 *
 * <p>This class is thread-safe and never throws from {@link #record(InvocationMetrics)}. With the no-op API (no SDK,
 * no agent) every instrument is a no-op.
 */
public final class OpenTelemetryMetricsSink implements IdempotencyMetricsSink {
    /** Counter: first executions recorded (EMF {@code Executions}). */
    public static final String EXECUTIONS = "idempotency.executions";
    /** Counter: repeats answered from the stored result (EMF {@code Replays}). */
    public static final String REPLAYS = "idempotency.replays";
    /** Counter: repeats refused while the first was running (EMF {@code InProgressConflicts}). */
    public static final String IN_PROGRESS_CONFLICTS = "idempotency.in_progress_conflicts";
    /** Counter: repeats refused for a different payload (EMF {@code PayloadMismatches}). */
    public static final String PAYLOAD_MISMATCHES = "idempotency.payload_mismatches";
    /** Counter: lapsed in-progress claims taken over (EMF {@code ClaimTakeovers}). */
    public static final String CLAIM_TAKEOVERS = "idempotency.claim_takeovers";
    /** Counter: operations that threw (EMF {@code HandlerErrors}). */
    public static final String HANDLER_ERRORS = "idempotency.handler_errors";
    /** Counter: operations that answered with an outcome that is not recorded (EMF {@code NotRecorded}). */
    public static final String NOT_RECORDED = "idempotency.not_recorded";
    /** Counter: failures of the idempotency layer (EMF {@code IdempotencyErrors}). */
    public static final String IDEMPOTENCY_ERRORS = "idempotency.errors";
    /** Counter: results written to the result store (EMF {@code OffloadedResults}). */
    public static final String OFFLOADED_RESULTS = "idempotency.offloaded_results";
    /** Histogram, bytes: size of each result written to the result store (EMF {@code OffloadedBytes}). */
    public static final String OFFLOADED_RESULT_SIZE = "idempotency.offloaded_result.size";
    /** Histogram, seconds: time in idempotency-store calls per invocation (EMF {@code StoreLatency}). */
    public static final String STORE_DURATION = "idempotency.store.duration";
    /** Histogram, seconds: time in result-store calls per invocation (EMF {@code ResultStoreLatency}). */
    public static final String RESULT_STORE_DURATION = "idempotency.result_store.duration";

    private static final AttributeKey<String> SCOPE = AttributeKey.stringKey(IdempotencyAttributes.SCOPE);
    // a DynamoDB call takes milliseconds, an S3 call of a large result up to seconds
    private static final List<Double> DURATION_BUCKETS = List.of(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
            0.5, 1.0, 2.5, 5.0, 10.0);
    // from the default 8 KiB offload threshold up to S3's single-PUT range
    private static final List<Long> SIZE_BUCKETS = List.of(8L << 10, 32L << 10, 128L << 10, 512L << 10, 2L << 20,
            8L << 20, 32L << 20, 128L << 20, 512L << 20);
    private static final System.Logger LOG = System.getLogger("dev.lambdaidempotency.opentelemetry");

    private final LongCounter executions;
    private final LongCounter replays;
    private final LongCounter inProgressConflicts;
    private final LongCounter payloadMismatches;
    private final LongCounter claimTakeovers;
    private final LongCounter handlerErrors;
    private final LongCounter notRecorded;
    private final LongCounter idempotencyErrors;
    private final LongCounter offloadedResults;
    private final LongHistogram offloadedResultSize;
    private final DoubleHistogram storeDuration;
    private final DoubleHistogram resultStoreDuration;
    // scopes are bounded (function, key space, operation): one Attributes per scope, made once
    private final Map<String, Attributes> attributes = new ConcurrentHashMap<>();

    private OpenTelemetryMetricsSink(Meter meter) {
        executions = counter(meter, EXECUTIONS, "{execution}", "First executions: the operation ran and its "
                + "outcome was recorded");
        replays = counter(meter, REPLAYS, "{replay}", "Repeats answered from the stored result");
        inProgressConflicts = counter(meter, IN_PROGRESS_CONFLICTS, "{conflict}", "Repeats refused because the "
                + "first is still running");
        payloadMismatches = counter(meter, PAYLOAD_MISMATCHES, "{mismatch}", "Repeats refused because their "
                + "payload differs from the first");
        claimTakeovers = counter(meter, CLAIM_TAKEOVERS, "{takeover}", "Lapsed in-progress claims taken over");
        handlerErrors = counter(meter, HANDLER_ERRORS, "{error}", "Operations that threw; their claims were "
                + "released");
        notRecorded = counter(meter, NOT_RECORDED, "{answer}", "Operations that answered with an outcome that is "
                + "not recorded (e.g. an HTTP 5xx); their claims were released");
        idempotencyErrors = counter(meter, IDEMPOTENCY_ERRORS, "{error}", "Failures of the idempotency layer");
        offloadedResults = counter(meter, OFFLOADED_RESULTS, "{result}", "Results written to the result store");
        offloadedResultSize = meter.histogramBuilder(OFFLOADED_RESULT_SIZE).ofLongs().setUnit("By")
                .setDescription("Serialized size of each result written to the result store")
                .setExplicitBucketBoundariesAdvice(SIZE_BUCKETS).build();
        storeDuration = meter.histogramBuilder(STORE_DURATION).setUnit("s")
                .setDescription("Time in idempotency-store calls per invocation")
                .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
        resultStoreDuration = meter.histogramBuilder(RESULT_STORE_DURATION).setUnit("s")
                .setDescription("Time in result-store calls per invocation")
                .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
    }

    /**
     * A sink on {@code openTelemetry}'s meter provider (meter
     * {@value OpenTelemetryIdempotencyTracer#INSTRUMENTATION_SCOPE}).
     *
     * @param openTelemetry the application's OpenTelemetry, e.g. an {@code OpenTelemetrySdk}
     * @return the sink
     * @throws NullPointerException if {@code openTelemetry} is null
     */
    public static OpenTelemetryMetricsSink create(OpenTelemetry openTelemetry) {
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        return new OpenTelemetryMetricsSink(
                openTelemetry.getMeter(OpenTelemetryIdempotencyTracer.INSTRUMENTATION_SCOPE));
    }

    /**
     * A sink on {@code GlobalOpenTelemetry}: what the ADOT Lambda layer's Java agent (or the application) has
     * registered, else the no-op implementation. Prefer {@link #create(OpenTelemetry)} in libraries.
     *
     * @return the sink
     */
    public static OpenTelemetryMetricsSink usingGlobal() {
        return create(GlobalOpenTelemetry.get());
    }

    @Override
    public void record(InvocationMetrics metrics) {
        try {
            Attributes scope = attributes.computeIfAbsent(metrics.scope(), s -> Attributes.of(SCOPE, s));
            Outcome outcome = metrics.outcome();
            executions.add(outcome == Outcome.NEW ? 1 : 0, scope);
            replays.add(outcome == Outcome.REPLAY ? 1 : 0, scope);
            inProgressConflicts.add(outcome == Outcome.IN_PROGRESS ? 1 : 0, scope);
            payloadMismatches.add(outcome == Outcome.MISMATCH ? 1 : 0, scope);
            claimTakeovers.add(metrics.takeover() ? 1 : 0, scope);
            handlerErrors.add(outcome == Outcome.HANDLER_ERROR ? 1 : 0, scope);
            idempotencyErrors.add(outcome == Outcome.ERROR ? 1 : 0, scope);
            notRecorded.add(outcome == Outcome.NOT_RECORDED ? 1 : 0, scope);
            if (metrics.offloadedBytes() > 0) {
                offloadedResults.add(1, scope);
                offloadedResultSize.record(metrics.offloadedBytes(), scope);
            }
            if (metrics.storeNanos() > 0) {
                storeDuration.record(metrics.storeNanos() / 1e9, scope);
            }
            if (metrics.resultStoreNanos() > 0) {
                resultStoreDuration.record(metrics.resultStoreNanos() / 1e9, scope);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not record OpenTelemetry metrics; metrics of this "
                    + "invocation dropped", e);
        }
    }

    @Override
    public String toString() {
        return "OpenTelemetryMetricsSink";
    }

    private static LongCounter counter(Meter meter, String name, String unit, String description) {
        return meter.counterBuilder(name).setUnit(unit).setDescription(description).build();
    }
}
