package dev.lambdaidempotency.runtime;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that another process makes true (output written, a port bound, a claim stored): the one
 * place the tier polls. The interval is how often it looks, never what makes a test pass.
 */
final class Poll {
    private static final long INTERVAL_MILLIS = 20;

    private Poll() {
    }

    /**
     * @param condition checked until it holds
     * @param timeout   how long to keep checking
     * @return whether the condition held before the timeout (or the thread was interrupted)
     */
    static boolean until(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
