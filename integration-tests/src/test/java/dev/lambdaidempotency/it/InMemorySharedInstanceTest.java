package dev.lambdaidempotency.it;

import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.testkit.InMemoryIdempotencyStore;

/** The shared-instance scenarios on the test kit's in-memory store. */
class InMemorySharedInstanceTest extends SharedInstanceScenarios {
    @Override
    protected IdempotencyStore newStore() {
        return new InMemoryIdempotencyStore();
    }
}
