package dev.lambdaidempotency.cli;

import java.time.Duration;

/** Waits; the scan's rate limit sleeps through this seam so that tests advance a clock instead. */
@FunctionalInterface
interface Sleeper {
    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);

    void sleep(Duration duration) throws InterruptedException;
}
