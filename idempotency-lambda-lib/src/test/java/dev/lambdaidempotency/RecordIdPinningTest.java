package dev.lambdaidempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lambdaidempotency.spi.ClaimResult;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.spi.RecordId;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Regression guard for record id format version 1: the ids and payload hashes below are literal bytes written by the
 * library before the id format got a version. Stored records are found by these ids; if any of them changes, every
 * live record gets a new id and every in-flight retry during a deploy runs its operation again. A change here
 * needs a new format version (see {@code spi.RecordId}), never an edit of these strings.
 */
class RecordIdPinningTest {



    private final ClaimCapture store = new ClaimCapture();

    private Idempotency idempotency(UnaryOperator<IdempotencyConfig.Builder> settings) {
        return Idempotency.builder().store(store)
                .config(settings.apply(IdempotencyConfig.builder(Map.of()).functionName("payments")).build())
                .build();
    }

    private IdempotencyRecord handlerClaim(UnaryOperator<IdempotencyConfig.Builder> settings, Object event) {
        assertThrows(ClaimCapture.Stop.class, () -> idempotency(settings).wrap((e, c) -> "ran", String.class)
                .handleRequest(event, null));
        return store.claim;
    }

    private IdempotencyRecord operationClaim(UnaryOperator<IdempotencyConfig.Builder> settings, String key,
            Object payload) {
        IdempotentOperation<String> charge = idempotency(settings).operation("charge", String.class);
        assertThrows(ClaimCapture.Stop.class, () -> charge.call(key, payload, null, () -> "ran"));
        return store.claim;
    }

    private static final String O1 = "00d5c8b71f851bbe47626a189b20fb19c11753e244bb658095c370ba3798f85c";

    @Test
    void handlerIdsAreUnchanged() {
        assertEquals("payments#" + O1, handlerClaim(c -> c.keyPath("orderId"), Map.of("orderId", "o-1")).id(),
                "a string key");
        assertEquals("payments#v2#" + O1, handlerClaim(c -> c.keyPath("orderId").keySpace("v2"),
                Map.of("orderId", "o-1")).id(), "with a key space");
        assertEquals("payments#73475cb40a568e8da8a045ced110137e159f890ac4da883b6b17dc651b3a8049",
                handlerClaim(c -> c.keyPath("orderId"), Map.of("orderId", 42)).id(), "a number key");
        assertEquals("payments#73475cb40a568e8da8a045ced110137e159f890ac4da883b6b17dc651b3a8049",
                handlerClaim(c -> c.keyPath("orderId"), Map.of("orderId", new BigDecimal("4.20E+1"))).id(),
                "a number key is hashed by value");
        assertEquals("payments#90eddf64b875cb5fa184bb12503cc7309b6ce21b175521a80bd8d83082bae604",
                handlerClaim(c -> c, Map.of("b", List.of(true), "a", 1.0)).id(), "the whole event");
        assertEquals("payments#" + O1, handlerClaim(c -> c.keyPath("body.orderId"),
                Map.of("body", "{\"orderId\": \"o-1\"}")).id(), "a key inside a JSON body");
        assertEquals("payments#e2947658d1d5da130844a128eb3158c8c4766e633453a7338c4a512985542420",
                handlerClaim(c -> c.keyHeader("Idempotency-Key"),
                        Map.of("headers", Map.of("idempotency-key", "k-123"))).id(), "a header");
        assertEquals("payments#119e23269b6c6930661785945e77bac048cccdf9218fda512bdbfb7a4d757a60",
                handlerClaim(c -> c.keyPath("orderId"), Map.of("orderId", "Zo\u00eb \u2713 \ud83d\ude00")).id(),
                "non-ASCII");
        assertEquals("payments#05c5d860c99c60d94f7c0a778991fd69c5c65087f550d22301dc05d61904b78b",
                handlerClaim(c -> c.keyPath("order"), Map.of("order", Map.of("items", List.of("a", "b"), "id", 7)))
                        .id(), "an object key");
        assertEquals("payments#80ea8a979b50c50b35a32bbb085f8524a79f780c52d4d5cbe560831a413769cb",
                handlerClaim(c -> c.keyWholeEvent(), "{\"orderId\":\"o-1\"}").id(), "a JSON string event");
    }

    @Test
    void thePinnedIdsAreFormatVersionOneAndParseBackToThemselves() {
        assertEquals(1, RecordId.FORMAT_VERSION);
        for (String id : new String[] {"payments#" + O1, "payments#v2#" + O1, "payments#@charge#" + O1,
                "payments#eu#@charge#" + O1}) {
            RecordId parsed = RecordId.parse(id).orElseThrow();
            assertEquals(id, parsed.value());
            assertEquals(1, parsed.formatVersion());
            assertEquals(O1, parsed.keyHash());
        }
    }

    @Test
    void payloadHashesAreUnchanged() {
        IdempotencyRecord claim = handlerClaim(c -> c.keyPath("body.orderId").payloadPath("body"),
                Map.of("body", "{\"orderId\":\"o-1\",\"amount\":12.50,\"currency\":\"EUR\"}"));
        assertEquals("payments#" + O1, claim.id());
        assertEquals("4cbc1a14d0554af813e9cd5e2c6d8479594937f01c48a6d81128789bf5420105", claim.payloadHash());
    }

    @Test
    void operationIdsAreUnchanged() {
        IdempotencyRecord claim = operationClaim(c -> c, "o-1", null);
        assertEquals("payments#@charge#" + O1, claim.id());
        assertEquals(null, claim.payloadHash());
        claim = operationClaim(c -> c.keySpace("eu"), "o-1", Map.of("amount", 10));
        assertEquals("payments#eu#@charge#" + O1, claim.id());
        assertEquals("a8b88b82fe90a16048eb8851fe382405395cd395dafaa7ca9be90ec00f82a72b", claim.payloadHash());
    }
}
