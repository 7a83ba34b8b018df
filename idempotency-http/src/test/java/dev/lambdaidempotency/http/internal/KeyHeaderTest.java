package dev.lambdaidempotency.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyHeaderTest {
    private final KeyHeader header = new KeyHeader("Idempotency-Key");

    private static HttpRequest single(String name, String value) {
        return new HttpRequest("POST", "/", Map.of(name, value), null, null, false);
    }

    @Test
    void findsTheHeaderInAnyCase() {
        assertEquals(new KeyHeader.Found("k"), header.select(single("idempotency-key", "k")));
        assertEquals(new KeyHeader.Found("k"), header.select(single("IDEMPOTENCY-KEY", " k ")));
        assertEquals(new KeyHeader.Missing(), header.select(single("Other", "k")));
        assertEquals(new KeyHeader.Missing(), header.select(new HttpRequest("POST", "/", null, null, null, false)));
    }

    @Test
    void aStructuredFieldStringIsUnquotedAndMayHoldACommaOrAQuote() {
        assertEquals(new KeyHeader.Found("8e03978e"), header.select(single("Idempotency-Key", "\"8e03978e\"")));
        assertEquals(new KeyHeader.Found("a,b"), header.select(single("Idempotency-Key", "\"a,b\"")));
        assertEquals(new KeyHeader.Found("a\"b"), header.select(single("Idempotency-Key", "\"a\\\"b\"")));
        assertEquals(new KeyHeader.Missing(), header.select(single("Idempotency-Key", "\"\"")));
    }

    @Test
    void severalValuesAreAmbiguousUnlessTheyAreTheSame() {
        assertEquals(new KeyHeader.Ambiguous(2), header.select(single("Idempotency-Key", "a, b")));
        assertEquals(new KeyHeader.Found("a"), header.select(single("Idempotency-Key", "a, \"a\"")));
        HttpRequest lines = new HttpRequest("POST", "/", Map.of("Idempotency-Key", "b"),
                Map.of("Idempotency-Key", List.of("a", "b")), null, false);
        assertEquals(new KeyHeader.Ambiguous(2), header.select(lines), "every line counts, not the last one");
    }

    @Test
    void theMultiValueMapWinsWhenItHasTheHeader() {
        HttpRequest both = new HttpRequest("POST", "/", Map.of("idempotency-key", "x"),
                Map.of("Content-Type", List.of("application/json")), null, false);
        assertEquals(new KeyHeader.Found("x"), header.select(both), "falls back to the single-value map");
    }
}
