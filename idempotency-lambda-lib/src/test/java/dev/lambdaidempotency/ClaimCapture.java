package dev.lambdaidempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lambdaidempotency.spi.ClaimResult;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.IdempotencyStore;
import java.time.Instant;

/**
 * A store that records the claim it is asked for, then stops the invocation with {@link Stop}; any other call fails
 * the test. What the library would write, without running anything.
 */
final class ClaimCapture implements IdempotencyStore {
    private final Instant expectedNow;
    /** The last claim asked for, or {@code null}. */
    IdempotencyRecord claim;

    /** A capture that accepts any time. */
    ClaimCapture() {
        this(null);
    }

    /** @param expectedNow the time every claim must be made at, or {@code null} for any */
    ClaimCapture(Instant expectedNow) {
        this.expectedNow = expectedNow;
    }

    @Override
    public ClaimResult claim(IdempotencyRecord claim, Instant now) {
        if (expectedNow != null) {
            assertEquals(expectedNow, now);
        }
        this.claim = claim;
        throw new Stop();
    }

    @Override
    public void complete(IdempotencyRecord completed) {
        throw new AssertionError("not expected");
    }

    @Override
    public void release(String id, String ownerToken) {
        throw new AssertionError("not expected");
    }

    /** Ends the invocation once its claim was captured. */
    static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }
}
