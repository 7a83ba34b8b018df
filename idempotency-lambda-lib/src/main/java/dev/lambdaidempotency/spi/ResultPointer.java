package dev.lambdaidempotency.spi;

import java.util.Objects;

/**
 * Where an offloaded result lives, as kept in the idempotency record instead of the result itself.
 *
 * @param bucket          the bucket (or other container) holding the object
 * @param key             the object key; derived from the hashed record id, never from a raw key
 * @param size            the number of stored bytes (after any content encoding)
 * @param sha256          lowercase hex SHA-256 of the stored bytes, verified on every read
 * @param contentType     media type of the decoded content, e.g. {@code application/json}
 * @param contentEncoding {@code identity} or {@code gzip}
 */
public record ResultPointer(String bucket, String key, long size, String sha256, String contentType,
        String contentEncoding) {
    /**
     * Validates that every part is present.
     *
     * @param bucket see the record description
     * @param key see the record description
     * @param size see the record description
     * @param sha256 see the record description
     * @param contentType see the record description
     * @param contentEncoding see the record description
     */
    public ResultPointer {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(contentEncoding, "contentEncoding");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, was " + size);
        }
    }
}
