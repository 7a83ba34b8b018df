package dev.lambdaidempotency.it;

import dev.lambdaidempotency.it.support.Postgres;
import dev.lambdaidempotency.postgres.PostgresIdempotencyStore;
import dev.lambdaidempotency.spi.IdempotencyStore;
import java.util.ArrayList;
import java.util.List;

/**
 * The race on a real PostgreSQL server: the one-statement upsert claim (and its row lock) is the only thing standing
 * between callers.
 */
class PostgresRaceIntegrationTest extends RaceScenarios {
    @Override
    protected List<IdempotencyStore> storesOnOneTable(int count) {
        PostgresIdempotencyStore first = Postgres.newStore();
        List<IdempotencyStore> stores = new ArrayList<>(List.of(first));
        while (stores.size() < count) {
            stores.add(PostgresIdempotencyStore.builder().dataSource(Postgres.dataSource())
                    .tableName(first.tableName()).build());
        }
        return stores;
    }

    @Override
    protected int rounds(int instances) {
        return instances == 1 ? 120 : 80;
    }
}
