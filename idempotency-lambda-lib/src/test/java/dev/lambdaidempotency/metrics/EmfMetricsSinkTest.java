package dev.lambdaidempotency.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdaidempotency.spi.InvocationMetrics;
import dev.lambdaidempotency.spi.InvocationMetrics.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmfMetricsSinkTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    /** On every line, 0 or 1. */
    private static final List<String> COUNTERS = List.of("Executions", "Replays", "InProgressConflicts",
            "PayloadMismatches", "ClaimTakeovers", "HandlerErrors", "IdempotencyErrors");

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final EmfMetricsSink sink = EmfMetricsSink.builder()
            .out(new PrintStream(bytes, true, StandardCharsets.UTF_8))
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .build();

    @Test
    void writesOneExactEmfLinePerInvocation() {
        sink.record(new InvocationMetrics("payments", Outcome.NEW, true, 5_242_880, 4_250_000, 31_400_000));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.endsWith(System.lineSeparator()));
        assertEquals(1, out.lines().count(), out);
        assertEquals("{\"_aws\":{\"Timestamp\":1767225600000,\"CloudWatchMetrics\":[{\"Namespace\":\"LambdaIdempotency\","
                + "\"Dimensions\":[[\"Scope\"]],\"Metrics\":[{\"Name\":\"Executions\",\"Unit\":\"Count\"},"
                + "{\"Name\":\"Replays\",\"Unit\":\"Count\"},{\"Name\":\"InProgressConflicts\",\"Unit\":\"Count\"},"
                + "{\"Name\":\"PayloadMismatches\",\"Unit\":\"Count\"},{\"Name\":\"ClaimTakeovers\",\"Unit\":\"Count\"},"
                + "{\"Name\":\"HandlerErrors\",\"Unit\":\"Count\"},{\"Name\":\"IdempotencyErrors\",\"Unit\":\"Count\"},"
                + "{\"Name\":\"OffloadedResults\",\"Unit\":\"Count\"},{\"Name\":\"OffloadedBytes\",\"Unit\":\"Bytes\"},"
                + "{\"Name\":\"StoreLatency\",\"Unit\":\"Milliseconds\"},"
                + "{\"Name\":\"ResultStoreLatency\",\"Unit\":\"Milliseconds\"}]}]},"
                + "\"Scope\":\"payments\",\"Outcome\":\"new\",\"Executions\":1,\"Replays\":0,"
                + "\"InProgressConflicts\":0,\"PayloadMismatches\":0,\"ClaimTakeovers\":1,\"HandlerErrors\":0,"
                + "\"IdempotencyErrors\":0,\"OffloadedResults\":1,\"OffloadedBytes\":5242880,\"StoreLatency\":4.25,"
                + "\"ResultStoreLatency\":31.4}", out.strip());
    }

    @Test
    void everyDeclaredMetricHasANumericMemberAndUnitPerTheEmfSpecification() throws Exception {
        for (Outcome outcome : Outcome.values()) {
            JsonNode line = MAPPER.readTree(sink.line(new InvocationMetrics("fn@charge", outcome, false, 0,
                    1_000_000, 0)));
            JsonNode aws = line.get("_aws");
            assertEquals(NOW.toEpochMilli(), aws.get("Timestamp").longValue());
            assertTrue(aws.get("Timestamp").isIntegralNumber());
            JsonNode directives = aws.get("CloudWatchMetrics");
            assertEquals(1, directives.size());
            JsonNode directive = directives.get(0);
            assertEquals("LambdaIdempotency", directive.get("Namespace").textValue());
            assertEquals(MAPPER.readTree("[[\"Scope\"]]"), directive.get("Dimensions"));
            for (JsonNode dimensionSet : directive.get("Dimensions")) {
                for (JsonNode dimension : dimensionSet) {
                    assertTrue(line.get(dimension.textValue()).isTextual(), "dimension values are strings");
                }
            }
            Map<String, String> units = new LinkedHashMap<>();
            for (JsonNode metric : directive.get("Metrics")) {
                assertEquals(2, metric.size(), metric.toString());
                units.put(metric.get("Name").textValue(), metric.get("Unit").textValue());
                assertTrue(line.get(metric.get("Name").textValue()).isNumber(), metric.toString());
            }
            List<String> expected = new ArrayList<>(COUNTERS);
            if (outcome == Outcome.NOT_RECORDED) {
                expected.add("NotRecorded");
            }
            expected.add("StoreLatency");
            assertEquals(expected, new ArrayList<>(units.keySet()), "nothing offloaded, no result-store call: no "
                    + "OffloadedResults, OffloadedBytes or ResultStoreLatency");
            COUNTERS.forEach(name -> assertEquals("Count", units.get(name)));
            assertEquals("Milliseconds", units.get("StoreLatency"));
            assertEquals("fn@charge", line.get("Scope").textValue());
            assertEquals(outcome.name().toLowerCase(java.util.Locale.ROOT), line.get("Outcome").textValue());
            assertFalse(units.containsKey("Outcome"), "Outcome is a property, not a metric");
            long ones = COUNTERS.stream().filter(name -> line.get(name).longValue() == 1).count();
            assertEquals(outcome == Outcome.NO_KEY || outcome == Outcome.NOT_RECORDED ? 0 : 1, ones,
                    line.toString());
        }
    }

    @Test
    void countersFollowTheOutcome() throws Exception {
        assertEquals(1, metric(Outcome.REPLAY, "Replays"));
        assertEquals(1, metric(Outcome.IN_PROGRESS, "InProgressConflicts"));
        assertEquals(1, metric(Outcome.MISMATCH, "PayloadMismatches"));
        assertEquals(1, metric(Outcome.HANDLER_ERROR, "HandlerErrors"));
        assertEquals(1, metric(Outcome.ERROR, "IdempotencyErrors"));
        assertEquals(0, metric(Outcome.REPLAY, "Executions"));
    }

    @Test
    void anAnswerNotRecordedIsCountedAsSuchNotAsAHandlerError() throws Exception {
        JsonNode line = MAPPER.readTree(sink.line(new InvocationMetrics("fn", Outcome.NOT_RECORDED, false, 0, 1, 0)));
        assertEquals("not_recorded", line.get("Outcome").textValue());
        assertEquals(1, line.get("NotRecorded").longValue());
        assertEquals(0, line.get("HandlerErrors").longValue(), "the operation answered; it did not crash");
        assertEquals(0, line.get("Executions").longValue(), "nothing was recorded");

        JsonNode other = MAPPER.readTree(sink.line(new InvocationMetrics("fn", Outcome.HANDLER_ERROR, false, 0, 1,
                0)));
        assertFalse(other.has("NotRecorded"));
        assertFalse(other.get("_aws").toString().contains("NotRecorded"), "not declared either: no datapoint, no "
                + "bill for scopes that never answer without recording");
    }

    @Test
    void offloadMetricsAreOnlyOnTheLinesOfInvocationsThatOffloaded() throws Exception {
        JsonNode inline = MAPPER.readTree(sink.line(new InvocationMetrics("fn", Outcome.NEW, false, 0, 1, 0)));
        assertFalse(inline.has("OffloadedResults"));
        assertFalse(inline.has("OffloadedBytes"));
        assertFalse(inline.get("_aws").toString().contains("Offloaded"), "not declared either: no datapoint, no bill");

        JsonNode offloaded = MAPPER.readTree(sink.line(new InvocationMetrics("fn", Outcome.NEW, false, 40_960, 1,
                1)));
        assertEquals(1, offloaded.get("OffloadedResults").longValue());
        assertEquals(40_960, offloaded.get("OffloadedBytes").longValue());
        Map<String, String> units = new LinkedHashMap<>();
        offloaded.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics")
                .forEach(m -> units.put(m.get("Name").textValue(), m.get("Unit").textValue()));
        assertEquals("Count", units.get("OffloadedResults"));
        assertEquals("Bytes", units.get("OffloadedBytes"));
        assertEquals("Milliseconds", units.get("ResultStoreLatency"));
        assertEquals(11, units.size(), "an offloading invocation carries every metric");
    }

    /** The sizes the README's CloudWatch cost table is computed from (log ingestion is billed per byte). */
    @Test
    void lineSizesOfTheReadmeCostTable() {
        EmfMetricsSink inLambda = EmfMetricsSink.create();
        assertEquals(648, inLambda.line(new InvocationMetrics("payments", Outcome.NEW, false, 0, 4_250_000, 0))
                .length(), "first execution, inline result");
        assertEquals(651, inLambda.line(new InvocationMetrics("payments", Outcome.REPLAY, false, 0, 4_250_000, 0))
                .length(), "replay");
        assertEquals(854, inLambda.line(new InvocationMetrics("payments", Outcome.NEW, false, 40_987, 4_250_000,
                31_400_000)).length(), "first execution, offloaded result");
    }

    @Test
    void latenciesWithNoCallsAreOmittedNotZero() throws Exception {
        JsonNode line = MAPPER.readTree(sink.line(new InvocationMetrics("fn", Outcome.REPLAY, false, 0, 0, 0)));
        assertFalse(line.has("StoreLatency"));
        assertFalse(line.has("ResultStoreLatency"));
        assertFalse(line.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics").toString()
                .contains("Latency"));
    }

    @Test
    void escapesTheScopeAndUsesTheConfiguredNamespace() throws Exception {
        EmfMetricsSink custom = EmfMetricsSink.builder().namespace("Payments/Idempotency").out(
                new PrintStream(bytes, true, StandardCharsets.UTF_8)).build();
        String scope = "odd\"scope\\with\nnewline";
        custom.record(new InvocationMetrics(scope, Outcome.NEW, false, 0, 1, 0));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(1, out.lines().count(), "a newline in a value must not split the line");
        JsonNode line = MAPPER.readTree(out);
        assertEquals(scope, line.get("Scope").textValue());
        assertEquals("Payments/Idempotency", line.get("_aws").get("CloudWatchMetrics").get(0).get("Namespace")
                .textValue());
    }

    @Test
    void rejectsNamespacesCloudWatchRejects() {
        assertThrows(IllegalArgumentException.class, () -> EmfMetricsSink.builder().namespace("AWS/Lambda"));
        assertThrows(IllegalArgumentException.class, () -> EmfMetricsSink.builder().namespace(""));
        assertThrows(IllegalArgumentException.class, () -> EmfMetricsSink.builder().namespace("a\"b"));
    }

    private long metric(Outcome outcome, String name) throws Exception {
        return MAPPER.readTree(sink.line(new InvocationMetrics("fn", outcome, false, 0, 1, 0))).get(name)
                .longValue();
    }
}
