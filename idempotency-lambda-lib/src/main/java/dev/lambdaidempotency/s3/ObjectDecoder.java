package dev.lambdaidempotency.s3;

import dev.lambdaidempotency.spi.ResultPointer;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Turns stored bytes back into the result, trusting nothing: reads exactly {@link ResultPointer#size()} bytes while
 * hashing them and decodes only bytes whose SHA-256 matches the pointer, so a truncated, longer, replaced or corrupted
 * object is an {@link dev.lambdaidempotency.IdempotencyResultUnavailableException}, and a read that breaks off is a
 * retryable {@link dev.lambdaidempotency.IdempotencyStoreException}. Holds the stored bytes and the decoded bytes
 * (presized from the decoded length written at upload). In memory only; stateless.
 */
final class ObjectDecoder {
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    /** gzip cannot expand by more than about 1032x: a bound on the decoded length that metadata may claim. */
    private static final int MAX_GZIP_RATIO = 1032;

    private ObjectDecoder() {
    }

    /**
     * Checks what the pointer alone tells, before anything is downloaded.
     *
     * @return whether the object is gzip-compressed
     * @throws dev.lambdaidempotency.IdempotencyResultUnavailableException for an unknown content encoding or an
     *                                                                     object too large for one read
     */
    static boolean requireReadable(String recordId, ResultPointer pointer) {
        boolean gzip = S3ResultStore.GZIP.equals(pointer.contentEncoding());
        if (!gzip && !S3ResultStore.IDENTITY.equals(pointer.contentEncoding())) {
            throw S3Failures.unavailable(recordId, pointer, "has an unknown content encoding \""
                    + pointer.contentEncoding() + "\"", null);
        }
        if (pointer.size() > MAX_ARRAY) {
            throw S3Failures.unavailable(recordId, pointer, "is larger (" + pointer.size() + " bytes) than one read "
                    + "supports", null);
        }
        return gzip;
    }

    /**
     * Reads, verifies and decodes the object; closes {@code in}.
     *
     * @param in            the object's content
     * @param announced     the length the server announced, or {@code null}
     * @param decodedLength the decoded length recorded at upload (metadata), or {@code null}; a sizing hint only
     * @param abort         drops the connection instead of draining it, when the content is known to be wrong
     */
    static byte[] decode(String recordId, ResultPointer pointer, InputStream in, Long announced, String decodedLength,
            Runnable abort) {
        boolean gzip = requireReadable(recordId, pointer);
        byte[] stored = readVerified(recordId, pointer, in, announced, abort);
        return gzip ? gunzip(recordId, pointer, stored, decodedLengthHint(decodedLength, stored.length)) : stored;
    }

    private static byte[] readVerified(String recordId, ResultPointer pointer, InputStream in, Long announced,
            Runnable abort) {
        int size = (int) pointer.size();
        if (announced != null && announced != size) {
            abort.run();
            throw S3Failures.unavailable(recordId, pointer, "has " + announced + " bytes where " + size
                    + " were stored", null);
        }
        byte[] stored = new byte[size];
        MessageDigest sha = ObjectKeys.sha256();
        try (in) {
            int read = 0;
            while (read < size) {
                int n = in.read(stored, read, Math.min(ObjectEncoder.CHUNK, size - read));
                if (n < 0) {
                    throw S3Failures.unavailable(recordId, pointer, "ended after " + read + " of " + size + " bytes",
                            null);
                }
                sha.update(stored, read, n);
                read += n;
            }
            if (in.read() >= 0) {
                abort.run();
                throw S3Failures.unavailable(recordId, pointer, "is longer than the " + size + " bytes stored", null);
            }
        } catch (IOException e) {
            throw S3Failures.readFailed(recordId, pointer, e);
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(pointer.sha256())) {
            throw S3Failures.unavailable(recordId, pointer, "fails its checksum (SHA-256 " + actual + ", recorded "
                    + pointer.sha256() + ")", null);
        }
        return stored;
    }

    private static byte[] gunzip(String recordId, ResultPointer pointer, byte[] stored, long expected) {
        ByteSink decoded = new ByteSink(expected);
        byte[] chunk = new byte[ObjectEncoder.CHUNK];
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(stored), ObjectEncoder.CHUNK)) {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                decoded.write(chunk, 0, n);
            }
        } catch (ZipException | EOFException e) {
            throw S3Failures.unavailable(recordId, pointer, "is not valid gzip: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading from memory cannot fail", e);
        }
        return decoded.toExactArray();
    }

    /** The decoded length to presize for; never trusts metadata for a huge allocation. */
    static long decodedLengthHint(String metadata, int storedLength) {
        long fallback = Math.min(MAX_ARRAY, (long) storedLength * 4);
        if (metadata == null) {
            return fallback;
        }
        try {
            long hint = Long.parseLong(metadata);
            long bound = Math.min(MAX_ARRAY, (long) storedLength * MAX_GZIP_RATIO + ObjectEncoder.CHUNK);
            return hint >= 0 && hint <= bound ? hint : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
