package dev.lambdaidempotency.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * Turns a result into the bytes to store: gzip when compression is on and pays ({@link CompressionDecision}), else
 * the bytes as they are; with their size and SHA-256, ready to upload. In memory only.
 *
 * <p>Compression reads the caller's bytes in 64 KiB chunks into one growable buffer of compressed bytes, which the
 * upload streams from without copying; uncompressed bytes stream straight from the caller's stream when it supports
 * {@code mark/reset} (only their hash is computed up front), else from one buffered copy. Immutable and thread-safe.
 */
final class ObjectEncoder {
    static final int CHUNK = 64 * 1024;

    private final boolean compression;

    ObjectEncoder(boolean compression) {
        this.compression = compression;
    }

    boolean compression() {
        return compression;
    }

    /**
     * The stored form of a result.
     *
     * @param body      fresh streams over the stored bytes, one per upload attempt (the SDK may retry)
     * @param size      the number of stored bytes
     * @param sha256Hex lowercase hex SHA-256 of the stored bytes
     * @param gzip      whether the stored bytes are gzip-compressed
     */
    record EncodedObject(ContentStreamProvider body, long size, String sha256Hex, boolean gzip) {
    }

    /**
     * Encodes {@code length} bytes read from {@code json}.
     *
     * @throws dev.lambdaidempotency.IdempotencyStoreException (not retryable) when the stream fails or does not yield
     *                                                         {@code length} bytes
     */
    EncodedObject encode(String recordId, InputStream json, long length) {
        boolean gzip = compression && CompressionDecision.worthCompressing(json, length);
        return gzip ? compress(recordId, json, length) : identity(recordId, json, length);
    }

    private static EncodedObject compress(String recordId, InputStream json, long length) {
        // JSON shrinks 4-10x at level 1, so a quarter of the input rarely grows; deflate's worst case (incompressible
        // input) is about 0.1% larger than the input, which caps the growth
        ByteSink compressed = new ByteSink(Math.max(1024, length / 4), length + length / 1000 + 1024);
        long read = 0;
        byte[] chunk = new byte[CHUNK];
        try (GZIPOutputStream gzip = new LeveledGzipOutputStream(compressed, CHUNK, CompressionDecision.LEVEL)) {
            int n;
            while ((n = json.read(chunk)) >= 0) {
                gzip.write(chunk, 0, n);
                read += n;
            }
        } catch (IOException e) {
            throw S3Failures.sourceUnreadable(recordId, e);
        }
        requireLength(recordId, length, read);
        MessageDigest sha = ObjectKeys.sha256();
        sha.update(compressed.array(), 0, compressed.size());
        return new EncodedObject(compressed::newStream, compressed.size(), hex(sha), true);
    }

    private static EncodedObject identity(String recordId, InputStream json, long length) {
        MessageDigest sha = ObjectKeys.sha256();
        if (!json.markSupported()) {
            // cannot replay the stream for SDK retries: buffer it (one copy)
            ByteSink copy = new ByteSink(length);
            requireLength(recordId, length, copy(recordId, json, copy, sha));
            return new EncodedObject(copy::newStream, copy.size(), hex(sha), false);
        }
        json.mark(Integer.MAX_VALUE);
        requireLength(recordId, length, copy(recordId, json, null, sha));
        return new EncodedObject(() -> rewound(json), length, hex(sha), false);
    }

    /** The caller's stream from its start, as a view the SDK may close after each attempt. */
    private static InputStream rewound(InputStream json) {
        try {
            json.reset();
        } catch (IOException e) {
            throw new UncheckedIOException("the result stream cannot be re-read", e);
        }
        return new FilterInputStream(json) {
            @Override
            public void close() {
                // the caller owns the stream
            }
        };
    }

    private static long copy(String recordId, InputStream in, ByteSink out, MessageDigest sha) {
        byte[] chunk = new byte[CHUNK];
        long read = 0;
        try {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                sha.update(chunk, 0, n);
                if (out != null) {
                    out.write(chunk, 0, n);
                }
                read += n;
            }
        } catch (IOException e) {
            throw S3Failures.sourceUnreadable(recordId, e);
        }
        return read;
    }

    private static void requireLength(String recordId, long expected, long read) {
        if (read != expected) {
            throw S3Failures.lengthMismatch(recordId, expected, read);
        }
    }

    private static String hex(MessageDigest sha) {
        return HexFormat.of().formatHex(sha.digest());
    }

    /** {@link GZIPOutputStream} at a chosen compression level. */
    private static final class LeveledGzipOutputStream extends GZIPOutputStream {
        LeveledGzipOutputStream(OutputStream out, int size, int level) throws IOException {
            super(out, size);
            def.setLevel(level);
        }
    }
}
