package dev.lambdaidempotency.it;

import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.testkit.InMemoryIdempotencyStore;

/** The handler scenarios on the test kit's in-memory store: it must behave as DynamoDB does. */
class InMemoryHandlerTest extends HandlerScenarios {
    private InMemoryIdempotencyStore store;

    @Override
    protected IdempotencyStore newStore() {
        store = new InMemoryIdempotencyStore();
        return store;
    }

    @Override
    protected int storedRecords() {
        return store.records().size();
    }

    @Override
    protected void deleteAllRecords() {
        store.clear();
    }
}
