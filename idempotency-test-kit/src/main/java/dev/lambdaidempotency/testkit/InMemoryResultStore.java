package dev.lambdaidempotency.testkit;

import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.IdempotencyStoreException;
import dev.lambdaidempotency.spi.ResultPointer;
import dev.lambdaidempotency.spi.ResultStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A thread-safe, in-memory {@link ResultStore} that verifies size and SHA-256 on every read, like the S3 store.
 * Tests can {@link #delete(String)} or {@link #corrupt(String)} objects to exercise the failure paths.
 */
public final class InMemoryResultStore implements ResultStore {
    /** The bucket name pointers carry. */
    public static final String BUCKET = "in-memory";

    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();

    @Override
    public ResultPointer put(String recordId, InputStream json, long length) {
        byte[] bytes;
        try {
            bytes = json.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.length != length) {
            throw new IdempotencyStoreException("expected " + length + " bytes, got " + bytes.length, recordId, false,
                    null);
        }
        String key = "results/" + sha256(recordId.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + ".json";
        objects.put(key, bytes);
        return new ResultPointer(BUCKET, key, bytes.length, sha256(bytes), "application/json", "identity");
    }

    @Override
    public byte[] get(String recordId, ResultPointer pointer) {
        byte[] bytes = objects.get(pointer.key());
        if (bytes == null) {
            throw new IdempotencyResultUnavailableException("the stored result of " + recordId + " is missing ("
                    + pointer.key() + ")", recordId, null);
        }
        if (bytes.length != pointer.size() || !sha256(bytes).equals(pointer.sha256())) {
            throw new IdempotencyResultUnavailableException("the stored result of " + recordId + " fails its "
                    + "checksum (" + pointer.key() + ")", recordId, null);
        }
        return bytes.clone();
    }

    /**
     * Number of stored objects.
     *
     * @return the count
     */
    public int size() {
        return objects.size();
    }

    /**
     * Removes an object.
     *
     * @param key the object key from a pointer
     */
    public void delete(String key) {
        objects.remove(key);
    }

    /**
     * Flips a byte of an object.
     *
     * @param key the object key from a pointer
     */
    public void corrupt(String key) {
        objects.computeIfPresent(key, (k, bytes) -> {
            byte[] copy = bytes.clone();
            copy[copy.length / 2] ^= 0x5a;
            return copy;
        });
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
