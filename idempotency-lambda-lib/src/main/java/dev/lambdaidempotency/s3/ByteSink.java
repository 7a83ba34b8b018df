package dev.lambdaidempotency.s3;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte buffer that, unlike {@link java.io.ByteArrayOutputStream}, hands out its contents without copying:
 * as a stream over the internal array, or as the array itself when it is exactly full. Not thread-safe.
 */
final class ByteSink extends OutputStream {
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final long growthLimit;
    private byte[] buffer;
    private int count;

    ByteSink(long expectedSize) {
        this(expectedSize, MAX_ARRAY);
    }

    /**
     * @param expectedSize initial capacity
     * @param likelyMaximum growth stops doubling here (it still grows past it if it must), so that a buffer that
     *                      outgrows its estimate is not left twice as large as its contents
     */
    ByteSink(long expectedSize, long likelyMaximum) {
        this.buffer = new byte[(int) Math.max(256, Math.min(expectedSize, MAX_ARRAY))];
        this.growthLimit = Math.min(MAX_ARRAY, Math.max(likelyMaximum, buffer.length));
    }

    @Override
    public void write(int b) {
        ensure(1);
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buffer, count, len);
        count += len;
    }

    int size() {
        return count;
    }

    byte[] array() {
        return buffer;
    }

    /** A fresh stream over the contents; no copy. */
    InputStream newStream() {
        return new ByteArrayInputStream(buffer, 0, count);
    }

    /** The contents as an exact-length array: the buffer itself when full, else one copy. */
    byte[] toExactArray() {
        return count == buffer.length ? buffer : Arrays.copyOf(buffer, count);
    }

    private void ensure(int more) {
        long needed = (long) count + more;
        if (needed <= buffer.length) {
            return;
        }
        if (needed > MAX_ARRAY) {
            throw new IllegalStateException("results over " + MAX_ARRAY + " bytes are not supported");
        }
        long doubled = Math.min((long) buffer.length * 2, Math.max(growthLimit, needed));
        buffer = Arrays.copyOf(buffer, (int) Math.min(MAX_ARRAY, Math.max(needed, doubled)));
    }
}
