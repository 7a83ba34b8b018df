package dev.lambdaidempotency.it;

import dev.lambdaidempotency.it.support.Postgres;
import dev.lambdaidempotency.spi.IdempotencyStore;

/** Deferred execution on a real PostgreSQL server, one fresh table per test. */
class PostgresDeferredExecutionIntegrationTest extends DeferredExecutionContract {
    @Override
    protected IdempotencyStore newStore() {
        return Postgres.newStore();
    }
}
