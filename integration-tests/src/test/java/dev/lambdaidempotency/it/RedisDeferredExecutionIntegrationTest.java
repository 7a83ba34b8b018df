package dev.lambdaidempotency.it;

import dev.lambdaidempotency.redis.RedisIdempotencyStore;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.testkit.RedisServer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIf;
import redis.clients.jedis.RedisClient;

/** Deferred execution on a real {@code redis-server} (skipped where it is not installed, required in CI). */
@EnabledIf(value = "dev.lambdaidempotency.testkit.RedisServer#installed",
        disabledReason = "redis-server is not installed (apt-get install redis-server, or set REDIS_SERVER)")
class RedisDeferredExecutionIntegrationTest extends DeferredExecutionContract {
    private static final AtomicInteger STORES = new AtomicInteger();
    private static RedisServer server;
    private static RedisClient client;

    @BeforeAll
    static void startRedis() {
        server = RedisServer.start();
        client = RedisClient.create(server.host(), server.port());
    }

    @AfterAll
    static void stopRedis() {
        if (server != null) {
            client.close();
            server.close();
        }
    }

    @Override
    protected IdempotencyStore newStore() {
        return RedisIdempotencyStore.builder().client(client).keyPrefix("deferred-" + STORES.incrementAndGet() + ":")
                .build();
    }
}
