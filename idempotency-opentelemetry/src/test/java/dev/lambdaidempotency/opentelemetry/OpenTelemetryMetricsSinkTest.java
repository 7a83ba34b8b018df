package dev.lambdaidempotency.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdaidempotency.metrics.EmfMetricsSink;
import dev.lambdaidempotency.spi.IdempotencyMetricsSink;
import dev.lambdaidempotency.spi.IdempotencyTracer;
import dev.lambdaidempotency.spi.InvocationMetrics;
import dev.lambdaidempotency.spi.InvocationMetrics.Outcome;
import dev.lambdaidempotency.testkit.InMemoryIdempotencyStore;
import dev.lambdaidempotency.testkit.InMemoryResultStore;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenTelemetryMetricsSinkTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** EMF metric to OpenTelemetry instrument: the table of {@link OpenTelemetryMetricsSink}, written out. */
    private static final Map<String, String> EMF_TO_OTEL = new LinkedHashMap<>();

    static {
        EMF_TO_OTEL.put(EmfMetricsSink.EXECUTIONS, "idempotency.executions");
        EMF_TO_OTEL.put(EmfMetricsSink.REPLAYS, "idempotency.replays");
        EMF_TO_OTEL.put(EmfMetricsSink.IN_PROGRESS_CONFLICTS, "idempotency.in_progress_conflicts");
        EMF_TO_OTEL.put(EmfMetricsSink.PAYLOAD_MISMATCHES, "idempotency.payload_mismatches");
        EMF_TO_OTEL.put(EmfMetricsSink.CLAIM_TAKEOVERS, "idempotency.claim_takeovers");
        EMF_TO_OTEL.put(EmfMetricsSink.HANDLER_ERRORS, "idempotency.handler_errors");
        EMF_TO_OTEL.put(EmfMetricsSink.NOT_RECORDED, "idempotency.not_recorded");
        EMF_TO_OTEL.put(EmfMetricsSink.IDEMPOTENCY_ERRORS, "idempotency.errors");
        EMF_TO_OTEL.put(EmfMetricsSink.OFFLOADED_RESULTS, "idempotency.offloaded_results");
        EMF_TO_OTEL.put(EmfMetricsSink.OFFLOADED_BYTES, "idempotency.offloaded_result.size");
        EMF_TO_OTEL.put(EmfMetricsSink.STORE_LATENCY, "idempotency.store.duration");
        EMF_TO_OTEL.put(EmfMetricsSink.RESULT_STORE_LATENCY, "idempotency.result_store.duration");
    }

    private final OpenTelemetryHarness otel = new OpenTelemetryHarness();
    private final ByteArrayOutputStream emfOut = new ByteArrayOutputStream();

    @AfterEach
    void tearDown() {
        otel.close();
    }

    @Test
    void theSequenceGivesTheEmfFiguresAsOpenTelemetryInstruments() throws Exception {
        EmfMetricsSink emf = EmfMetricsSink.builder().out(new PrintStream(emfOut, true, StandardCharsets.UTF_8))
                .build();
        OpenTelemetryMetricsSink sink = OpenTelemetryMetricsSink.create(otel.openTelemetry());
        IdempotencyMetricsSink both = metrics -> {
            emf.record(metrics);
            sink.record(metrics);
        };
        new LifecycleSequence().run(new InMemoryIdempotencyStore(), new InMemoryResultStore(), IdempotencyTracer.NONE,
                both, OpenTelemetryHarness.standalone());

        Map<String, Figure> emfFigures = emfFigures();
        assertOpenTelemetryGivesTheEmfFigures(emfFigures);
        assertEquals(EMF_TO_OTEL.size(), otelFigures(otel.metrics.collectAllMetrics()).size(), "every instrument");

        // and the figures themselves, for the eight invocations of the sequence
        assertEquals(new Figure(3, 8), emfFigures.get(EmfMetricsSink.EXECUTIONS), "o-1, o-2, o-4");
        assertEquals(new Figure(2, 8), emfFigures.get(EmfMetricsSink.REPLAYS));
        assertEquals(new Figure(1, 8), emfFigures.get(EmfMetricsSink.IN_PROGRESS_CONFLICTS));
        assertEquals(new Figure(1, 8), emfFigures.get(EmfMetricsSink.PAYLOAD_MISMATCHES));
        assertEquals(new Figure(0, 8), emfFigures.get(EmfMetricsSink.CLAIM_TAKEOVERS), "recorded as 0, present");
        assertEquals(new Figure(1, 8), emfFigures.get(EmfMetricsSink.HANDLER_ERRORS));
        assertEquals(new Figure(0, 8), emfFigures.get(EmfMetricsSink.IDEMPOTENCY_ERRORS));
        assertEquals(null, emfFigures.get(EmfMetricsSink.NOT_RECORDED), "on no line: none was");
        assertEquals(new Figure(1, 1), emfFigures.get(EmfMetricsSink.OFFLOADED_RESULTS), "on the one line only");
        assertEquals(new Figure(40_987, 1), emfFigures.get(EmfMetricsSink.OFFLOADED_BYTES));
        assertEquals(8, emfFigures.get(EmfMetricsSink.STORE_LATENCY).count(), "every invocation claimed");
        assertEquals(2, emfFigures.get(EmfMetricsSink.RESULT_STORE_LATENCY).count(), "the offload and the fetch");
    }

    @Test
    void instrumentsFollowTheOpenTelemetryConventions() {
        OpenTelemetryMetricsSink sink = OpenTelemetryMetricsSink.create(otel.openTelemetry());
        sink.record(new InvocationMetrics("payments", Outcome.NEW, true, 5_242_880, 4_250_000, 31_400_000));

        Map<String, MetricData> byName = new TreeMap<>();
        otel.metrics.collectAllMetrics().forEach(m -> byName.put(m.getName(), m));
        assertEquals(new java.util.TreeSet<>(EMF_TO_OTEL.values()), byName.keySet());
        for (MetricData metric : byName.values()) {
            assertEquals(OpenTelemetryIdempotencyTracer.INSTRUMENTATION_SCOPE,
                    metric.getInstrumentationScopeInfo().getName());
            assertTrue(metric.getName().matches("idempotency(\\.[a-z_]+)+"), metric.getName());
            assertTrue(!metric.getDescription().isEmpty(), metric.getName());
        }
        MetricData executions = byName.get(OpenTelemetryMetricsSink.EXECUTIONS);
        assertEquals(MetricDataType.LONG_SUM, executions.getType());
        assertTrue(executions.getLongSumData().isMonotonic());
        assertEquals("{execution}", executions.getUnit());
        LongPointData point = executions.getLongSumData().getPoints().iterator().next();
        assertEquals(Attributes.of(AttributeKey.stringKey("idempotency.scope"), "payments"), point.getAttributes(),
                "the one attribute: the scope, as the one EMF dimension");
        assertEquals(1, byName.get(OpenTelemetryMetricsSink.CLAIM_TAKEOVERS).getLongSumData().getPoints().iterator()
                .next().getValue());

        MetricData store = byName.get(OpenTelemetryMetricsSink.STORE_DURATION);
        assertEquals(MetricDataType.HISTOGRAM, store.getType());
        assertEquals("s", store.getUnit());
        HistogramPointData latency = store.getHistogramData().getPoints().iterator().next();
        assertEquals(0.00425, latency.getSum(), 1e-12);
        assertEquals(List.of(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
                latency.getBoundaries(), "buckets for milliseconds-to-seconds calls, not the SDK's default");
        MetricData size = byName.get(OpenTelemetryMetricsSink.OFFLOADED_RESULT_SIZE);
        assertEquals("By", size.getUnit());
        assertEquals(5_242_880, size.getHistogramData().getPoints().iterator().next().getSum(), 0);
        assertEquals(0.0314, byName.get(OpenTelemetryMetricsSink.RESULT_STORE_DURATION).getHistogramData()
                .getPoints().iterator().next().getSum(), 1e-12);
    }

    @Test
    void eachScopeIsItsOwnSeriesAndTheNoopApiRecordsNothingWithoutThrowing() {
        OpenTelemetryMetricsSink sink = OpenTelemetryMetricsSink.create(otel.openTelemetry());
        sink.record(new InvocationMetrics("payments", Outcome.REPLAY, false, 0, 1_000_000, 0));
        sink.record(new InvocationMetrics("payments", Outcome.REPLAY, false, 0, 1_000_000, 0));
        sink.record(new InvocationMetrics("reports@render", Outcome.NEW, false, 0, 1_000_000, 0));
        MetricData replays = otel.metrics.collectAllMetrics().stream()
                .filter(m -> m.getName().equals(OpenTelemetryMetricsSink.REPLAYS)).findFirst().orElseThrow();
        Map<String, Long> byScope = new TreeMap<>();
        replays.getLongSumData().getPoints().forEach(p -> byScope.put(
                p.getAttributes().get(AttributeKey.stringKey(IdempotencyAttributes.SCOPE)), p.getValue()));
        assertEquals(Map.of("payments", 2L, "reports@render", 0L), byScope);

        OpenTelemetryMetricsSink.create(OpenTelemetry.noop()).record(new InvocationMetrics("fn", Outcome.NEW, false,
                1, 1, 1));
    }

    @Test
    void anAnswerNotRecordedIsItsOwnCounterInBothAndNoHandlerError() throws Exception {
        EmfMetricsSink emf = EmfMetricsSink.builder().out(new PrintStream(emfOut, true, StandardCharsets.UTF_8))
                .build();
        OpenTelemetryMetricsSink sink = OpenTelemetryMetricsSink.create(otel.openTelemetry());
        for (Outcome outcome : List.of(Outcome.NOT_RECORDED, Outcome.NOT_RECORDED, Outcome.HANDLER_ERROR,
                Outcome.NEW)) {
            InvocationMetrics metrics = new InvocationMetrics("http-fn", outcome, false, 0, 2_000_000, 0);
            emf.record(metrics);
            sink.record(metrics);
        }
        Map<String, Figure> emfFigures = emfFigures();
        assertOpenTelemetryGivesTheEmfFigures(emfFigures);
        assertEquals(new Figure(2, 2), emfFigures.get(EmfMetricsSink.NOT_RECORDED), "on their two lines only");
        assertEquals(new Figure(1, 4), emfFigures.get(EmfMetricsSink.HANDLER_ERRORS));
        assertEquals(2, otelFigures(otel.metrics.collectAllMetrics()).get(OpenTelemetryMetricsSink.NOT_RECORDED)
                .sum());
    }

    private void assertOpenTelemetryGivesTheEmfFigures(Map<String, Figure> emfFigures) {
        Map<String, Figure> otelFigures = otelFigures(otel.metrics.collectAllMetrics());
        for (Map.Entry<String, String> pair : EMF_TO_OTEL.entrySet()) {
            Figure expected = emfFigures.get(pair.getKey());
            Figure actual = otelFigures.get(pair.getValue());
            if (expected == null) {
                // on no EMF line (nothing to measure, or NotRecorded, omitted when 0): nothing, or 0, in OpenTelemetry
                assertTrue(actual == null || actual.sum() == 0, pair.getValue() + " " + actual);
                continue;
            }
            assertTrue(actual != null, pair.getValue() + " was not recorded");
            if (pair.getKey().endsWith("Latency")) {
                // EMF: milliseconds rounded to the microsecond per line; OpenTelemetry: seconds, unrounded
                assertEquals(expected.count(), actual.count(), pair.getKey() + " samples");
                assertEquals(expected.sum(), actual.sum() * 1_000, 0.0005 * expected.count() + 1e-9,
                        pair.getKey() + " total");
            } else if (actual.count() < 0) {
                assertEquals(expected.sum(), actual.sum(), pair.getKey() + " vs counter " + pair.getValue());
            } else {
                assertEquals(expected, actual, pair.getKey() + " vs histogram " + pair.getValue());
            }
        }
        assertTrue(EMF_TO_OTEL.values().containsAll(otelFigures.keySet()), "no instrument beyond the EMF metrics: "
                + otelFigures);
    }

    /** A metric's total and how many invocations recorded it (EMF: lines carrying it; OpenTelemetry: adds). */
    record Figure(double sum, long count) {
    }

    private Map<String, Figure> emfFigures() throws Exception {
        Map<String, Figure> figures = new TreeMap<>();
        for (String line : emfOut.toString(StandardCharsets.UTF_8).split("\\R")) {
            JsonNode document = JSON.readTree(line);
            for (JsonNode declared : document.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics")) {
                String name = declared.get("Name").textValue();
                double value = document.get(name).doubleValue();
                figures.merge(name, new Figure(value, 1), (a, b) -> new Figure(a.sum() + b.sum(),
                        a.count() + b.count()));
            }
        }
        return figures;
    }

    /** Counters: the total (an OpenTelemetry counter does not expose how many adds made it: count -1). */
    private static Map<String, Figure> otelFigures(Collection<MetricData> metrics) {
        Map<String, Figure> figures = new TreeMap<>();
        for (MetricData metric : metrics) {
            if (metric.getType() == MetricDataType.LONG_SUM) {
                long sum = metric.getLongSumData().getPoints().stream().mapToLong(LongPointData::getValue).sum();
                figures.put(metric.getName(), new Figure(sum, -1));
            } else if (metric.getType() == MetricDataType.HISTOGRAM) {
                double sum = metric.getHistogramData().getPoints().stream().mapToDouble(HistogramPointData::getSum)
                        .sum();
                long count = metric.getHistogramData().getPoints().stream().mapToLong(HistogramPointData::getCount)
                        .sum();
                figures.put(metric.getName(), new Figure(sum, count));
            } else {
                figures.put(metric.getName(), new Figure(Double.NaN, -1));
            }
        }
        return figures;
    }
}
