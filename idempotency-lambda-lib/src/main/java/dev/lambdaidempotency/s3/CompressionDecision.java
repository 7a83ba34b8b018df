package dev.lambdaidempotency.s3;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.Deflater;

/**
 * Whether a result is stored gzip-compressed: deflate a sample of it (the first 64 KiB, at the level used for real)
 * and compress only when that at least halves it. Typical JSON shrinks 4-10x and deflates fast; high-entropy content
 * (ids, hashes, encoded binary) shrinks little and deflates slowly, so gzip would cost more CPU than it saves in
 * transfer.
 */
final class CompressionDecision {
    // level 1: on a 5 MB JSON report 4.3x smaller in ~30 ms of one vCPU, where the default level 6 gains 1.2x more
    // ratio (0.2 MB less upload, a few ms) for ~40 ms more CPU, and Lambda often has less than one vCPU
    static final int LEVEL = Deflater.BEST_SPEED;
    /** Bytes deflated to decide whether compression pays. */
    static final int SAMPLE = 64 * 1024;

    private CompressionDecision() {
    }

    /**
     * Reads the sample without consuming {@code json} (mark/reset). Streams that cannot be re-read are always
     * compressed.
     */
    static boolean worthCompressing(InputStream json, long length) {
        if (!json.markSupported()) {
            return true;
        }
        byte[] sample = new byte[(int) Math.min(length, SAMPLE)];
        try {
            json.mark(sample.length);
            int read = json.readNBytes(sample, 0, sample.length);
            json.reset();
            Deflater deflater = new Deflater(LEVEL, true);
            try {
                deflater.setInput(sample, 0, read);
                deflater.finish();
                byte[] out = new byte[SAMPLE];
                long compressed = 0;
                while (!deflater.finished()) {
                    compressed += deflater.deflate(out);
                    if (compressed * 2 > read) {
                        return false;
                    }
                }
                return true;
            } finally {
                deflater.end();
            }
        } catch (IOException e) {
            return true; // the real read reports the failure
        }
    }
}
