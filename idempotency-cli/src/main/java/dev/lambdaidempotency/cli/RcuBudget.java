package dev.lambdaidempotency.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Keeps a scan's average read rate at or below {@code maxRcu} read capacity units per second, from the capacity each
 * Scan response reports as consumed: after a page, waits until the units consumed so far are covered by the time
 * elapsed since the scan started. Not thread-safe (one scan).
 */
final class RcuBudget {
    private final double maxRcu;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Instant start;
    private double consumed;
    private Duration slept = Duration.ZERO;

    RcuBudget(double maxRcu, Clock clock, Sleeper sleeper) {
        if (!(maxRcu > 0)) {
            throw new IllegalArgumentException("max-rcu must be positive, was " + maxRcu);
        }
        this.maxRcu = maxRcu;
        this.clock = clock;
        this.sleeper = sleeper;
        this.start = clock.instant();
    }

    /** Records one page's consumed units and waits as long as the budget requires. */
    void spend(double units) throws InterruptedException {
        consumed += units;
        Duration earliest = Duration.ofNanos((long) Math.ceil(consumed / maxRcu * 1e9));
        Duration elapsed = Duration.between(start, clock.instant());
        Duration wait = earliest.minus(elapsed);
        if (!wait.isNegative() && !wait.isZero()) {
            sleeper.sleep(wait);
            slept = slept.plus(wait);
        }
    }

    double consumed() {
        return consumed;
    }

    Duration slept() {
        return slept;
    }
}
