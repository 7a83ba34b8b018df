package dev.lambdaidempotency.examples;

import dev.lambdaidempotency.examples.wiring.FunctionSettings;
import dev.lambdaidempotency.examples.wiring.FunctionWiring;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.spi.ResultStore;
import java.util.Map;

/** Wiring of the functions over the test kit's in-memory stores. */
public final class TestWiring {
    private TestWiring() {
    }

    public static FunctionWiring inMemory(IdempotencyStore store, ResultStore resultStore) {
        FunctionSettings settings = FunctionSettings.from(Map.of(FunctionSettings.TABLE, "unit-test")::get);
        return FunctionWiring.of(settings, store, resultStore);
    }
}
