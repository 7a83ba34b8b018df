package dev.lambdaidempotency.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.IdempotencyStoreException;
import dev.lambdaidempotency.spi.ResultPointer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The stored form of a result, in memory: encode, then decode only what verifies. No S3 involved. */
class ObjectEncodingTest {
    private static final String RECORD = "fn#abc";
    private static final byte[] JSON = "{\"line\":\"settled\",\"amount\":42}".repeat(2_000)
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void compressibleResultsRoundTripThroughGzip() throws IOException {
        ObjectEncoder.EncodedObject encoded = new ObjectEncoder(true).encode(RECORD, new ByteArrayInputStream(JSON),
                JSON.length);
        assertTrue(encoded.gzip());
        assertTrue(encoded.size() < JSON.length / 4, "JSON shrinks, was " + encoded.size());
        byte[] stored = encoded.body().newStream().readAllBytes();
        assertEquals(encoded.size(), stored.length);
        assertEquals(HexFormat.of().formatHex(ObjectKeys.sha256().digest(stored)), encoded.sha256Hex());
        assertArrayEquals(JSON, decode(pointer(encoded, S3ResultStore.GZIP), stored, null));
    }

    @Test
    void withoutCompressionTheBytesAreStoredAsTheyAreAndCanBeReadAgainForARetry() throws IOException {
        ObjectEncoder.EncodedObject encoded = new ObjectEncoder(false).encode(RECORD, new ByteArrayInputStream(JSON),
                JSON.length);
        assertFalse(encoded.gzip());
        assertArrayEquals(JSON, encoded.body().newStream().readAllBytes());
        assertArrayEquals(JSON, encoded.body().newStream().readAllBytes(), "a second attempt sees the same bytes");
        assertArrayEquals(JSON, decode(pointer(encoded, S3ResultStore.IDENTITY), JSON, (long) JSON.length));
    }

    @Test
    void aStreamShorterThanAnnouncedIsRefusedAsTheCallersFault() {
        IdempotencyStoreException e = assertThrows(IdempotencyStoreException.class, () -> new ObjectEncoder(true)
                .encode(RECORD, new ByteArrayInputStream(JSON), JSON.length + 1));
        assertFalse(e.isRetryable());
    }

    @Test
    void corruptedTruncatedOrLongerObjectsAreUnavailable() throws IOException {
        ObjectEncoder.EncodedObject encoded = new ObjectEncoder(true).encode(RECORD, new ByteArrayInputStream(JSON),
                JSON.length);
        ResultPointer pointer = pointer(encoded, S3ResultStore.GZIP);
        byte[] stored = encoded.body().newStream().readAllBytes();
        byte[] flipped = stored.clone();
        flipped[flipped.length / 2] ^= 1;
        assertThrows(IdempotencyResultUnavailableException.class, () -> decode(pointer, flipped, null));
        byte[] truncated = Arrays.copyOf(stored, stored.length - 1);
        assertThrows(IdempotencyResultUnavailableException.class, () -> decode(pointer, truncated, null));
        AtomicInteger aborts = new AtomicInteger();
        byte[] longer = Arrays.copyOf(stored, stored.length + 1);
        assertThrows(IdempotencyResultUnavailableException.class, () -> ObjectDecoder.decode(RECORD, pointer,
                new ByteArrayInputStream(longer), null, null, aborts::incrementAndGet));
        assertThrows(IdempotencyResultUnavailableException.class, () -> ObjectDecoder.decode(RECORD, pointer,
                new ByteArrayInputStream(stored), (long) stored.length + 5, null, aborts::incrementAndGet));
        assertEquals(2, aborts.get(), "a wrong length drops the connection instead of draining it");
    }

    @Test
    void aReadThatBreaksOffIsARetryableStoreFailure() {
        ObjectEncoder.EncodedObject encoded = new ObjectEncoder(false).encode(RECORD, new ByteArrayInputStream(JSON),
                JSON.length);
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };
        IdempotencyStoreException e = assertThrows(IdempotencyStoreException.class, () -> ObjectDecoder.decode(
                RECORD, pointer(encoded, S3ResultStore.IDENTITY), broken, null, null, () -> { }));
        assertTrue(e.isRetryable());
    }

    @Test
    void anUnknownEncodingIsRefusedBeforeAnythingIsRead() {
        ResultPointer pointer = new ResultPointer("b", "k", 1, "00", S3ResultStore.CONTENT_TYPE, "br");
        assertThrows(IdempotencyResultUnavailableException.class, () -> ObjectDecoder.requireReadable(RECORD,
                pointer));
    }

    @Test
    void theDecodedLengthMetadataIsOnlyAHintWithinWhatGzipCanExpandTo() {
        assertEquals(5_000, ObjectDecoder.decodedLengthHint("5000", 100));
        assertEquals(400, ObjectDecoder.decodedLengthHint(null, 100));
        assertEquals(400, ObjectDecoder.decodedLengthHint("not a number", 100));
        assertEquals(400, ObjectDecoder.decodedLengthHint("-1", 100));
        assertEquals(400, ObjectDecoder.decodedLengthHint(Long.toString(Integer.MAX_VALUE), 100),
                "no huge allocation on the word of metadata");
    }

    private static byte[] decode(ResultPointer pointer, byte[] stored, Long announced) {
        return ObjectDecoder.decode(RECORD, pointer, new ByteArrayInputStream(stored), announced, null, () -> { });
    }

    private static ResultPointer pointer(ObjectEncoder.EncodedObject encoded, String encoding) {
        return new ResultPointer("bucket", "key", encoded.size(), encoded.sha256Hex(), S3ResultStore.CONTENT_TYPE,
                encoding);
    }
}
