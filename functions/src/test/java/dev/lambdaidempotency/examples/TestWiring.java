package dev.lambdaidempotency.examples;

import dev.lambdaidempotency.examples.wiring.FunctionWiring;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.spi.ResultStore;

/** Wiring of the functions over the test kit's in-memory stores. */
public final class TestWiring {
    private TestWiring() {
    }

    public static FunctionWiring inMemory(IdempotencyStore store, ResultStore resultStore) {
        return FunctionWiring.of(store, resultStore);
    }
}
