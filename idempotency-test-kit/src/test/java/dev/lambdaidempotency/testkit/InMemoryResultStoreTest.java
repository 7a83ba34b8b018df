package dev.lambdaidempotency.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.spi.ResultPointer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The failure injection the test kit offers for offloaded results: a lost object and a corrupted one. */
class InMemoryResultStoreTest {
    private static final byte[] JSON = "{\"report\":\"r-1\"}".getBytes(StandardCharsets.UTF_8);
    private static final String RECORD = "fn#" + "0".repeat(64);

    private final InMemoryResultStore store = new InMemoryResultStore();
    private final ResultPointer pointer = store.put(RECORD, new ByteArrayInputStream(JSON), JSON.length);

    @Test
    void storedBytesReadBack() {
        assertEquals(1, store.size());
        assertArrayEquals(JSON, store.get(RECORD, pointer));
    }

    @Test
    void aDeletedObjectIsAnUnavailableResult() {
        store.delete(pointer.key());
        assertEquals(0, store.size());
        assertEquals(RECORD, assertThrows(IdempotencyResultUnavailableException.class,
                () -> store.get(RECORD, pointer)).recordId());
    }

    @Test
    void aCorruptedObjectFailsItsChecksum() {
        store.corrupt(pointer.key());
        IdempotencyResultUnavailableException e = assertThrows(IdempotencyResultUnavailableException.class,
                () -> store.get(RECORD, pointer));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }
}
