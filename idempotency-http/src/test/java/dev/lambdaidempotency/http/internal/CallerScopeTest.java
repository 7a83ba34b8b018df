package dev.lambdaidempotency.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The scoped key's shape, pinned: changing it changes every scoped record id (repeats would run again). */
class CallerScopeTest {
    private static final CallerScope<String> BY_EVENT = new CallerScope<>(event -> event, "Caller[test]");

    @Test
    void theScopedKeyIsTheCallersSha256InHexAColonAndTheKey() {
        // printf 'alice' | sha256sum
        assertEquals("2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db186d6e90:order-1",
                BY_EVENT.scopedKey("alice", "order-1"));
        assertEquals(CallerScope.PREFIX_BYTES, BY_EVENT.scopedKey("alice", "k").getBytes(StandardCharsets.UTF_8)
                .length - 1);
    }

    @Test
    void noCallerAndKeyPairSpellsAnothers() {
        // the prefix has a fixed length, so moving characters between caller and key changes the result
        assertNotEquals(BY_EVENT.scopedKey("a:b", "c"), BY_EVENT.scopedKey("a", "b:c"));
        assertFalse(BY_EVENT.scopedKey("alice", "1").contains("alice"));
    }

    @Test
    void aMissingOrBlankCallerIsUnknownAndAThrowingReaderCarriesOnlyTheExceptionType() {
        assertNull(BY_EVENT.scopedKey(null, "1"));
        assertNull(BY_EVENT.scopedKey("  ", "1"));
        CallerScope<String> throwing = new CallerScope<>(event -> {
            throw new IllegalArgumentException("secret " + event);
        }, "Caller[custom]");
        CallerScope.UnknownCaller e = assertThrows(CallerScope.UnknownCaller.class,
                () -> throwing.scopedKey("alice", "1"));
        assertEquals("the caller reader threw java.lang.IllegalArgumentException", e.getMessage());
    }
}
