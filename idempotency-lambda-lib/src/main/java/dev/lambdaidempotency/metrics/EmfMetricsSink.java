package dev.lambdaidempotency.metrics;

import dev.lambdaidempotency.spi.IdempotencyMetricsSink;
import dev.lambdaidempotency.spi.InvocationMetrics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonGenerator;

/**
 * Writes one CloudWatch Embedded Metric Format (EMF) line per invocation, for example:
 *
 * <pre>{@code
 * {"_aws":{"Timestamp":1767225600000,"CloudWatchMetrics":[{"Namespace":"LambdaIdempotency",
 *   "Dimensions":[["Scope"]],"Metrics":[{"Name":"Executions","Unit":"Count"}, ...]}]},
 *  "Scope":"payments","Outcome":"new","Executions":1,"Replays":0, ...}
 * }</pre>
 *
 * <p>Metrics (dimension {@code Scope}: the invocation's record scope, the function name plus key space and
 * operation name when configured; bounded, never a key):
 * <table>
 * <caption>EMF metrics</caption>
 * <tr><th>Name</th><th>Unit</th><th>Value</th></tr>
 * <tr><td>{@value #EXECUTIONS}</td><td>Count</td><td>1 when the operation ran and its outcome was recorded
 *     (outcome {@code new})</td></tr>
 * <tr><td>{@value #REPLAYS}</td><td>Count</td><td>1 when a repeat got the stored result</td></tr>
 * <tr><td>{@value #IN_PROGRESS_CONFLICTS}</td><td>Count</td><td>1 when a repeat was refused because the first is
 *     still running</td></tr>
 * <tr><td>{@value #PAYLOAD_MISMATCHES}</td><td>Count</td><td>1 when a repeat's payload differed</td></tr>
 * <tr><td>{@value #CLAIM_TAKEOVERS}</td><td>Count</td><td>1 when the claim replaced a lapsed in-progress claim</td></tr>
 * <tr><td>{@value #HANDLER_ERRORS}</td><td>Count</td><td>1 when the operation threw (its claim was released)</td></tr>
 * <tr><td>{@value #NOT_RECORDED}</td><td>Count</td><td>1 when the operation answered with an outcome that is not
 *     recorded, e.g. the HTTP adapter's 5xx (its claim was released; outcome {@code not_recorded}); omitted
 *     otherwise</td></tr>
 * <tr><td>{@value #IDEMPOTENCY_ERRORS}</td><td>Count</td><td>1 when the idempotency layer itself failed</td></tr>
 * <tr><td>{@value #OFFLOADED_RESULTS}</td><td>Count</td><td>1 when the result went to the result store (omitted
 *     otherwise)</td></tr>
 * <tr><td>{@value #OFFLOADED_BYTES}</td><td>Bytes</td><td>serialized size of the offloaded result (omitted when
 *     nothing was offloaded)</td></tr>
 * <tr><td>{@value #STORE_LATENCY}</td><td>Milliseconds</td><td>time in idempotency-store calls (omitted when
 *     there were none, e.g. a replay from the local cache)</td></tr>
 * <tr><td>{@value #RESULT_STORE_LATENCY}</td><td>Milliseconds</td><td>time in result-store calls (omitted when
 *     there were none)</td></tr>
 * </table>
 * The seven outcome counters are written as 0 or 1 on every line, so {@code Sum} counts events and
 * {@code SampleCount} counts invocations. The other five are written only on the lines of invocations that did
 * what they measure (answered without recording, offloaded a result, called a store): CloudWatch bills a custom
 * metric for the hours in which it receives data, so a scope that never offloads pays for 8 metrics (one that
 * offloads for 11, one that also answers without recording for 12), and
 * {@code OffloadedBytes}' {@code Average} is the mean size of an offloaded result (see the README's cost table).
 * The property {@code Outcome} ({@code new}, {@code replay}, {@code in_progress}, {@code mismatch},
 * {@code handler_error}, {@code error}, {@code no_key}, {@code not_recorded}) is searchable in CloudWatch Logs
 * Insights but is not a dimension.
 *
 * <p>This class is immutable and thread-safe; it never throws from {@link #record(InvocationMetrics)}.
 */
public final class EmfMetricsSink implements IdempotencyMetricsSink {
    /** Default namespace. */
    public static final String DEFAULT_NAMESPACE = "LambdaIdempotency";
    /** The one dimension: the record scope (function name, plus key space and operation when set). */
    public static final String SCOPE = "Scope";
    /** The non-dimension property holding the outcome. */
    public static final String OUTCOME = "Outcome";
    /** Metric: first executions recorded. */
    public static final String EXECUTIONS = "Executions";
    /** Metric: repeats answered from the stored result. */
    public static final String REPLAYS = "Replays";
    /** Metric: repeats refused while the first was running. */
    public static final String IN_PROGRESS_CONFLICTS = "InProgressConflicts";
    /** Metric: repeats refused for a different payload. */
    public static final String PAYLOAD_MISMATCHES = "PayloadMismatches";
    /** Metric: lapsed in-progress claims taken over. */
    public static final String CLAIM_TAKEOVERS = "ClaimTakeovers";
    /** Metric: operations that threw. */
    public static final String HANDLER_ERRORS = "HandlerErrors";
    /** Metric: operations that answered with an outcome that is not recorded (their claims were released). */
    public static final String NOT_RECORDED = "NotRecorded";
    /** Metric: failures of the idempotency layer. */
    public static final String IDEMPOTENCY_ERRORS = "IdempotencyErrors";
    /** Metric: results written to the result store. */
    public static final String OFFLOADED_RESULTS = "OffloadedResults";
    /** Metric: bytes of results written to the result store. */
    public static final String OFFLOADED_BYTES = "OffloadedBytes";
    /** Metric: time in idempotency-store calls. */
    public static final String STORE_LATENCY = "StoreLatency";
    /** Metric: time in result-store calls. */
    public static final String RESULT_STORE_LATENCY = "ResultStoreLatency";

    private static final Pattern NAMESPACE = Pattern.compile("[0-9A-Za-z.\\-_/#: ]{1,255}");
    private static final JsonFactory JSON = new JsonFactory();

    private final String namespace;
    private final PrintStream out;
    private final Clock clock;

    private EmfMetricsSink(Builder builder) {
        this.namespace = builder.namespace;
        this.out = builder.out;
        this.clock = builder.clock;
    }

    /**
     * A sink with the defaults: namespace {@value #DEFAULT_NAMESPACE}, lines to {@code System.out}.
     *
     * @return the sink
     */
    public static EmfMetricsSink create() {
        return builder().build();
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The CloudWatch namespace of the metrics.
     *
     * @return the namespace
     */
    public String namespace() {
        return namespace;
    }

    @Override
    public void record(InvocationMetrics metrics) {
        String line;
        try {
            line = line(metrics);
        } catch (RuntimeException e) {
            System.getLogger("dev.lambdaidempotency.metrics").log(System.Logger.Level.WARNING,
                    "could not write the EMF metrics line; metrics of this invocation dropped", e);
            return;
        }
        out.println(line); // PrintStream never throws; println is atomic with respect to other println calls
    }

    /** Formats a sample line (every metric present) and drops it: nothing is written. */
    @Override
    public void prime() {
        line(new InvocationMetrics("prime", InvocationMetrics.Outcome.NEW, true, 1, 1, 1));
    }

    /**
     * The EMF line for {@code metrics}, without a line terminator.
     *
     * @param metrics what one invocation did
     * @return one JSON object
     */
    public String line(InvocationMetrics metrics) {
        Objects.requireNonNull(metrics, "metrics");
        InvocationMetrics.Outcome outcome = metrics.outcome();
        List<Value> values = new ArrayList<>(12);
        values.add(count(EXECUTIONS, outcome == InvocationMetrics.Outcome.NEW));
        values.add(count(REPLAYS, outcome == InvocationMetrics.Outcome.REPLAY));
        values.add(count(IN_PROGRESS_CONFLICTS, outcome == InvocationMetrics.Outcome.IN_PROGRESS));
        values.add(count(PAYLOAD_MISMATCHES, outcome == InvocationMetrics.Outcome.MISMATCH));
        values.add(count(CLAIM_TAKEOVERS, metrics.takeover()));
        values.add(count(HANDLER_ERRORS, outcome == InvocationMetrics.Outcome.HANDLER_ERROR));
        values.add(count(IDEMPOTENCY_ERRORS, outcome == InvocationMetrics.Outcome.ERROR));
        if (outcome == InvocationMetrics.Outcome.NOT_RECORDED) {
            values.add(count(NOT_RECORDED, true));
        }
        if (metrics.offloadedBytes() > 0) {
            values.add(count(OFFLOADED_RESULTS, true));
            values.add(new Value(OFFLOADED_BYTES, "Bytes", metrics.offloadedBytes()));
        }
        if (metrics.storeNanos() > 0) {
            values.add(new Value(STORE_LATENCY, "Milliseconds", millis(metrics.storeNanos())));
        }
        if (metrics.resultStoreNanos() > 0) {
            values.add(new Value(RESULT_STORE_LATENCY, "Milliseconds", millis(metrics.resultStoreNanos())));
        }
        StringWriter text = new StringWriter(768);
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            json.writeObjectFieldStart("_aws");
            json.writeNumberField("Timestamp", clock.millis());
            json.writeArrayFieldStart("CloudWatchMetrics");
            json.writeStartObject();
            json.writeStringField("Namespace", namespace);
            json.writeArrayFieldStart("Dimensions");
            json.writeStartArray();
            json.writeString(SCOPE);
            json.writeEndArray();
            json.writeEndArray();
            json.writeArrayFieldStart("Metrics");
            for (Value value : values) {
                json.writeStartObject();
                json.writeStringField("Name", value.name());
                json.writeStringField("Unit", value.unit());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeEndArray();
            json.writeEndObject();
            json.writeStringField(SCOPE, metrics.scope());
            json.writeStringField(OUTCOME, outcome.name().toLowerCase(Locale.ROOT));
            for (Value value : values) {
                json.writeFieldName(value.name());
                if (value.number() instanceof Double d) {
                    json.writeNumber(d);
                } else {
                    json.writeNumber(value.number().longValue());
                }
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a StringWriter cannot fail", e);
        }
        return text.toString();
    }

    private static Value count(String name, boolean happened) {
        return new Value(name, "Count", happened ? 1L : 0L);
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0; // microsecond precision is plenty
    }

    @Override
    public String toString() {
        return "EmfMetricsSink[" + namespace + "]";
    }

    private record Value(String name, String unit, Number number) {
    }

    /** Collects the settings of an {@link EmfMetricsSink}. Not thread-safe. */
    public static final class Builder {
        private String namespace = DEFAULT_NAMESPACE;
        private PrintStream out = System.out;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Sets the CloudWatch namespace.
         *
         * @param namespace default {@value EmfMetricsSink#DEFAULT_NAMESPACE}; 1-255 characters of {@code [0-9A-Za-z.-_/#: ]}, not
         *                  starting with {@code AWS/}
         * @return this builder
         */
        public Builder namespace(String namespace) {
            Objects.requireNonNull(namespace, "namespace");
            if (!NAMESPACE.matcher(namespace).matches() || namespace.startsWith("AWS/")) {
                throw new IllegalArgumentException("namespace must be 1-255 characters of [0-9A-Za-z.-_/#: ] and "
                        + "must not start with AWS/, was \"" + namespace + "\"");
            }
            this.namespace = namespace;
            return this;
        }

        /**
         * Sets where lines go. In Lambda, standard output is shipped to CloudWatch Logs, where EMF lines become
         * metrics.
         *
         * @param out default {@code System.out}
         * @return this builder
         */
        public Builder out(PrintStream out) {
            this.out = Objects.requireNonNull(out, "out");
            return this;
        }

        /**
         * Sets the clock of the {@code Timestamp}.
         *
         * @param clock default {@code Clock.systemUTC()}
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the sink.
         *
         * @return a new, thread-safe sink
         */
        public EmfMetricsSink build() {
            return new EmfMetricsSink(this);
        }
    }
}
