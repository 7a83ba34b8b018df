package dev.lambdaidempotency.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordIdTest {
    private static final String HASH = "00d5c8b71f851bbe47626a189b20fb19c11753e244bb658095c370ba3798f85c";

    @Test
    void theStoredFormIsScopeHashHash() {
        RecordId id = new RecordId("payments#eu#@charge", HASH);
        assertEquals("payments#eu#@charge#" + HASH, id.value());
        assertEquals(id.value(), id.toString());
        assertEquals(1, id.formatVersion());
        assertEquals("00d5c8b71f85", id.shortKeyHash(12));
    }

    @Test
    void parsesWhatItWrites() {
        for (String scope : new String[] {"payments", "payments#v2", "payments#@charge", "fn#eu#@op.1"}) {
            RecordId id = new RecordId(scope, HASH);
            assertEquals(Optional.of(id), RecordId.parse(id.value()));
        }
    }

    @Test
    void anythingElseIsNotAVersionOneId() {
        for (String value : new String[] {"customer@example.com", HASH, "#" + HASH, "fn##" + HASH, "fn#" + HASH + "#",
                "fn#" + HASH.toUpperCase(java.util.Locale.ROOT), "fn#" + HASH.substring(1), "fn#v2." + HASH}) {
            assertTrue(RecordId.parse(value).isEmpty(), value);
        }
        assertTrue(RecordId.parse(null).isEmpty());
    }

    @Test
    void partsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new RecordId("", HASH));
        assertThrows(IllegalArgumentException.class, () -> new RecordId("fn#", HASH));
        assertThrows(IllegalArgumentException.class, () -> new RecordId("fn", "abc"));
        assertEquals("scope", assertThrows(NullPointerException.class, () -> new RecordId(null, HASH)).getMessage());
    }
}
