package dev.lambdaidempotency.benchmarks.runner;

import java.util.Arrays;

/** A growable list of nanosecond samples with order statistics. Not thread-safe. */
final class Samples {
    private long[] values = new long[256];
    private int size;

    void add(long value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    int size() {
        return size;
    }

    /** Nearest-rank percentile, {@code p} in (0, 100]. */
    long percentile(double p) {
        if (size == 0) {
            throw new IllegalStateException("no samples");
        }
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * size);
        return sorted[Math.max(0, Math.min(size - 1, rank - 1))];
    }

    long median() {
        return percentile(50);
    }

    long p99() {
        return percentile(99);
    }

    long max() {
        return percentile(100);
    }
}
