package dev.lambdaidempotency.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lambdaidempotency.testkit.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RcuBudgetTest {
    private final MutableClock clock = MutableClock.start();
    private final List<Duration> sleeps = new ArrayList<>();
    private final Sleeper sleeper = duration -> {
        sleeps.add(duration);
        clock.advance(duration);
    };

    @Test
    void waitsUntilTheConsumedUnitsAreCoveredByTheElapsedTime() throws InterruptedException {
        RcuBudget budget = new RcuBudget(10, clock, sleeper);

        budget.spend(5); // 0.5 s worth at 10 RCU/s, none elapsed
        clock.advance(Duration.ofMillis(200)); // the next page took 200 ms to arrive
        budget.spend(5); // 1 s worth in total, 0.7 s elapsed

        assertEquals(List.of(Duration.ofMillis(500), Duration.ofMillis(300)), sleeps);
        assertEquals(10, budget.consumed());
        assertEquals(Duration.ofMillis(800), budget.slept());
    }

    @Test
    void doesNotWaitWhenTheScanIsSlowerThanTheBudget() throws InterruptedException {
        RcuBudget budget = new RcuBudget(100, clock, sleeper);
        clock.advance(Duration.ofSeconds(1));

        budget.spend(50);
        budget.spend(0); // an endpoint that reports no consumed capacity

        assertEquals(List.of(), sleeps);
    }

    @Test
    void refusesANonPositiveRate() {
        assertThrows(IllegalArgumentException.class, () -> new RcuBudget(0, clock, sleeper));
        assertThrows(IllegalArgumentException.class, () -> new RcuBudget(Double.NaN, clock, sleeper));
    }
}
