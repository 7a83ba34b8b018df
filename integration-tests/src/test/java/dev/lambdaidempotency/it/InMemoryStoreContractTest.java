package dev.lambdaidempotency.it;

import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.testkit.InMemoryIdempotencyStore;

/** The store contract on the test kit's in-memory store: proves the fake behaves as DynamoDB does. */
class InMemoryStoreContractTest extends IdempotencyStoreContract {
    @Override
    protected IdempotencyStore newStore() {
        return new InMemoryIdempotencyStore();
    }
}
