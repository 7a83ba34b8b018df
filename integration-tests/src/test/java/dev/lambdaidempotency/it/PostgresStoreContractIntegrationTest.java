package dev.lambdaidempotency.it;

import dev.lambdaidempotency.it.support.Postgres;
import dev.lambdaidempotency.spi.IdempotencyStore;

/** The store contract on a real PostgreSQL server, one fresh table per test. */
class PostgresStoreContractIntegrationTest extends IdempotencyStoreContract {
    @Override
    protected IdempotencyStore newStore() {
        return Postgres.newStore();
    }
}
