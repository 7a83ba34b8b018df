package dev.lambdaidempotency.examples.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdaidempotency.IdempotencyPayloadMismatchException;
import dev.lambdaidempotency.examples.TestWiring;
import dev.lambdaidempotency.testkit.InMemoryIdempotencyStore;
import dev.lambdaidempotency.testkit.InMemoryResultStore;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class ReportFunctionTest {
    private final InMemoryResultStore results = new InMemoryResultStore();
    private final ReportGenerator generator = new ReportGenerator(Clock.systemUTC(), 2_000);
    private final ReportFunction function = new ReportFunction(
            TestWiring.inMemory(new InMemoryIdempotencyStore(), results), generator);

    @Test
    void largeReportIsOffloadedAndRepeatReturnsTheStoredOne() throws Exception {
        ReportRequest request = new ReportRequest("req-1", "cus_1", "2025-05");
        Report first = function.handleRequest(request, null);
        Report second = function.handleRequest(new ReportRequest("req-1", "cus_1", "2025-05"), null);

        ObjectMapper json = new ObjectMapper();
        assertTrue(json.writeValueAsBytes(first).length > 200_000);
        assertEquals(1, results.size());
        assertEquals(first, second); // same reportId and generatedAt: generated once
        assertEquals(2_000, second.transactions().size());
    }

    @Test
    void sameRequestIdForAnotherPeriodIsRefused() {
        function.handleRequest(new ReportRequest("req-2", "cus_1", "2025-05"), null);
        assertThrows(IdempotencyPayloadMismatchException.class,
                () -> function.handleRequest(new ReportRequest("req-2", "cus_1", "2025-06"), null));
    }

    @Test
    void invalidRequestIsRefusedBeforeAnyWork() {
        assertThrows(IllegalArgumentException.class,
                () -> function.handleRequest(new ReportRequest("req-3", "cus_1", "May 2025"), null));
        assertThrows(IllegalArgumentException.class,
                () -> function.handleRequest(new ReportRequest(null, "cus_1", "2025-05"), null));
        assertEquals(0, results.size());
    }

    @Test
    void contentIsStablePerCustomerAndMonth() {
        Report a = generator.generate(new ReportRequest("x", "cus_1", "2024-02"));
        Report b = generator.generate(new ReportRequest("y", "cus_1", "2024-02"));
        assertEquals(a.transactions(), b.transactions());
        assertTrue(a.transactions().stream().allMatch(t -> t.bookedOn().startsWith("2024-02-")));
    }
}
