package dev.lambdaidempotency.it;

import dev.lambdaidempotency.redis.RedisIdempotencyStore;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.testkit.RedisServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIf;
import redis.clients.jedis.RedisClient;

/**
 * The race on a real {@code redis-server}: the claim script is the only thing standing between callers. Each store
 * has its own connection pool, as separately deployed instances would.
 */
@EnabledIf(value = "dev.lambdaidempotency.testkit.RedisServer#installed",
        disabledReason = "redis-server is not installed (apt-get install redis-server, or set REDIS_SERVER)")
class RedisRaceIntegrationTest extends RaceScenarios {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static final List<RedisClient> CLIENTS = new CopyOnWriteArrayList<>();
    private static RedisServer server;

    @BeforeAll
    static void startRedis() {
        server = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        if (server != null) {
            CLIENTS.forEach(RedisClient::close);
            server.close();
        }
    }

    @Override
    protected List<IdempotencyStore> storesOnOneTable(int count) {
        String prefix = "race-" + PREFIXES.incrementAndGet() + ":";
        List<IdempotencyStore> stores = new ArrayList<>();
        while (stores.size() < count) {
            RedisClient client = RedisClient.create(server.host(), server.port());
            CLIENTS.add(client);
            stores.add(RedisIdempotencyStore.builder().client(client).keyPrefix(prefix).build());
        }
        return stores;
    }

    @Override
    protected int rounds(int instances) {
        return instances == 1 ? 120 : 80;    // as on DynamoDB Local
    }
}
