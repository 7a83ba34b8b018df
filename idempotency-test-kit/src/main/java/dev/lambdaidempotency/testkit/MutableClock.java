package dev.lambdaidempotency.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it: inject it with {@code IdempotencyConfig.builder().clock(clock)} to
 * expire records and claims without sleeping. Thread-safe.
 */
public final class MutableClock extends Clock {
    /** A start time with a sub-second part, so that precision bugs show. */
    public static final Instant DEFAULT_START = Instant.parse("2030-01-01T00:00:00.250Z");

    private final AtomicReference<Instant> now;

    private MutableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /**
     * A clock at {@link #DEFAULT_START}.
     *
     * @return the clock
     */
    public static MutableClock start() {
        return at(DEFAULT_START);
    }

    /**
     * A clock at {@code start}.
     *
     * @param start the first instant
     * @return the clock
     */
    public static MutableClock at(Instant start) {
        return new MutableClock(start);
    }

    /**
     * Moves the clock forward.
     *
     * @param step how far
     * @return the new time
     */
    public Instant advance(Duration step) {
        return now.updateAndGet(t -> t.plus(step));
    }

    /**
     * Moves the clock forward by milliseconds.
     *
     * @param millis how far
     * @return the new time
     */
    public Instant advanceMillis(long millis) {
        return advance(Duration.ofMillis(millis));
    }

    /**
     * Sets the clock.
     *
     * @param instant the new time
     */
    public void set(Instant instant) {
        now.set(instant);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a test clock is UTC only");
    }

    @Override
    public String toString() {
        return "MutableClock[" + now.get() + "]";
    }
}
