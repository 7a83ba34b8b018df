package dev.lambdaidempotency.spi;

import java.io.InputStream;

/**
 * Storage for results too large to keep inside an idempotency record (S3 in production).
 *
 * <p>Objects are written before the record that points at them, so a crash in between leaves at most an orphan
 * object, never a pointer to a missing one. Implementations must be thread-safe.
 */
public interface ResultStore {

    /**
     * Stores {@code json} (UTF-8 JSON of exactly {@code length} bytes, read once from the stream) under a name
     * derived from {@code recordId}.
     *
     * @param recordId the scoped, hashed record id; the only input to the object name
     * @param json     the serialized result
     * @param length   the number of bytes {@code json} yields
     * @return where the bytes now are, with their size and checksum
     * @throws dev.lambdaidempotency.IdempotencyStoreException when the object could not be written
     */
    ResultPointer put(String recordId, InputStream json, long length);

    /**
     * Opens the object {@code pointer} names, verifying its size and checksum, and returns the decoded JSON.
     *
     * @param recordId the record the pointer belongs to (for error messages)
     * @param pointer  where the result is
     * @return the decoded JSON bytes
     * @throws dev.lambdaidempotency.IdempotencyResultUnavailableException when the object is missing or fails
     *         verification
     * @throws dev.lambdaidempotency.IdempotencyStoreException when the store cannot be reached
     */
    byte[] get(String recordId, ResultPointer pointer);

    /**
     * Warms this store's in-memory code paths (encoding, hashing, naming and verifying objects) so that the first
     * offload after a SnapStart restore does not pay for loading and initializing them. Called by
     * {@link dev.lambdaidempotency.Idempotency#prime()}. Implementations must not perform any I/O and must not write
     * anything; a failure may be thrown and is logged by the caller.
     *
     * <p>Does nothing by default.
     */
    default void prime() {
    }
}
