package dev.lambdaidempotency.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RecordScopeTest {
    private static final String HASH = "00d5c8b71f851bbe47626a189b20fb19c11753e244bb658095c370ba3798f85c";

    @Test
    void readsEveryShapeOfScope() {
        assertEquals(new RecordScope("payments", null, null), RecordScope.of("payments#" + HASH).orElseThrow());
        assertEquals(new RecordScope("payments", "eu", null), RecordScope.of("payments#eu#" + HASH).orElseThrow());
        assertEquals(new RecordScope("payments", null, "charge"),
                RecordScope.of("payments#@charge#" + HASH).orElseThrow());
        assertEquals(new RecordScope("payments", "eu", "charge"),
                RecordScope.of("payments#eu#@charge#" + HASH).orElseThrow());
        assertEquals("payments#eu", RecordScope.of("payments#eu#@charge#" + HASH).orElseThrow().functionColumn());
        assertEquals("(handler)", RecordScope.of("payments#" + HASH).orElseThrow().operationColumn());
    }

    @Test
    void aHandOverRecordIsLabelledAsOneAndGroupedApartFromItsKey() {
        RecordScope http = RecordScope.of("payments#@http#@@handover#" + HASH).orElseThrow();
        assertEquals(new RecordScope("payments", null, "http", true), http);
        assertEquals("http (async hand-over)", http.operationColumn());
        assertEquals(new RecordScope("payments", "eu", "http", true),
                RecordScope.of("payments#eu#@http#@@handover#" + HASH).orElseThrow());
        RecordScope handler = RecordScope.of("payments#@@handover#" + HASH).orElseThrow();
        assertEquals(new RecordScope("payments", null, null, true), handler);
        assertEquals("(handler) (async hand-over)", handler.operationColumn());
        assertEquals("http", RecordScope.of("payments#@http#" + HASH).orElseThrow().operationColumn());
    }

    @Test
    void anIdOfAnotherFormatHasNoScope() {
        assertTrue(RecordScope.of("payments#not-a-hash").isEmpty());
    }
}
