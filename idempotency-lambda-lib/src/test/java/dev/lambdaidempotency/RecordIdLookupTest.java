package dev.lambdaidempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.spi.RecordId;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Idempotency#recordId(Object)} and {@link IdempotentOperation#recordId(String)} name the claimed record. */
class RecordIdLookupTest {
    private static final String HASH_OF_O_1 = "00d5c8b71f851bbe47626a189b20fb19c11753e244bb658095c370ba3798f85c";

    @Test
    void handlerLookupEqualsTheIdAnInvocationClaims() {
        ClaimCapture store = new ClaimCapture();
        Idempotency idempotency = Idempotency.builder().store(store)
                .config(IdempotencyConfig.builder().functionName("payments").keySpace("eu")
                        .keyHeader("Idempotency-Key").build())
                .build();
        Map<String, Object> event = Map.of("headers", Map.of("Idempotency-Key", "o-1"), "body", "{}");
        RequestHandler<Map<String, Object>, String> handler = idempotency.wrap((e, c) -> "done", String.class);

        assertThrows(ClaimCapture.Stop.class, () -> handler.handleRequest(event, null));

        Optional<RecordId> looked = idempotency.recordId(event);
        assertEquals(store.claim.id(), looked.orElseThrow().value());
        assertEquals("payments#eu#" + HASH_OF_O_1, looked.orElseThrow().value());
    }

    @Test
    void anEventWithoutKeyHasNoRecord() {
        Idempotency idempotency = Idempotency.builder().store(new ClaimCapture())
                .config(IdempotencyConfig.builder().functionName("payments").keyPath("orderId").build()).build();

        assertTrue(idempotency.recordId(Map.of("other", "x")).isEmpty());
    }

    @Test
    void operationLookupEqualsTheIdACallClaims() {
        ClaimCapture store = new ClaimCapture();
        IdempotentOperation<String> charge = Idempotency.builder().store(store)
                .config(IdempotencyConfig.builder().functionName("payments").build()).build()
                .operation("charge", String.class);

        assertThrows(ClaimCapture.Stop.class, () -> charge.call("o-1", () -> "charged"));

        assertEquals(store.claim.id(), charge.recordId("o-1").value());
        assertEquals("payments#@charge#" + HASH_OF_O_1, charge.recordId("o-1").value());
        assertThrows(IdempotencyKeyException.class, () -> charge.recordId(" "));
    }
}
