package dev.lambdaidempotency.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdaidempotency.redis.RedisIdempotencyStore;
import dev.lambdaidempotency.testkit.RedisServer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import redis.clients.jedis.RedisClient;

/**
 * The start-up check of {@code maxmemory-policy} on real servers configured as managed services are: a policy that
 * may evict records is warned about once; where {@code CONFIG} is disabled (ElastiCache) the policy is read from
 * {@code INFO memory}; where neither answers, the warning says it could not be checked.
 */
@EnabledIf(value = "dev.lambdaidempotency.testkit.RedisServer#installed",
        disabledReason = "redis-server is not installed (apt-get install redis-server, or set REDIS_SERVER)")
class RedisEvictionPolicyIntegrationTest {
    private static final Logger STORE_LOG = Logger.getLogger(RedisIdempotencyStore.class.getName());
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level previousLevel;

    @BeforeEach
    void captureTheStoresLog() {
        previousLevel = STORE_LOG.getLevel();
        STORE_LOG.setLevel(Level.ALL);   // other suites in this JVM silence the library's loggers
        STORE_LOG.addHandler(capture);
    }

    @AfterEach
    void restoreTheStoresLog() {
        STORE_LOG.removeHandler(capture);
        STORE_LOG.setLevel(previousLevel);
    }

    @Test
    void noevictionIsReadAndNothingIsLogged() {
        try (RedisServer server = RedisServer.start(); RedisClient client = client(server)) {
            assertEquals(Optional.of("noeviction"), build(client).maxmemoryPolicy());
            assertEquals(List.of(), warnings());
        }
    }

    @Test
    void aPolicyThatMayEvictRecordsIsWarnedAboutOnce() {
        try (RedisServer server = RedisServer.start("--maxmemory-policy", "allkeys-lru");
                RedisClient client = client(server)) {
            RedisIdempotencyStore store = build(client);
            assertEquals(Optional.of("allkeys-lru"), store.maxmemoryPolicy());
            List<String> warnings = warnings();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("maxmemory-policy is allkeys-lru, not noeviction"), warnings.get(0));
            assertTrue(warnings.get(0).contains("runs its operation again"), warnings.get(0));
            store.claim(IdempotencyStoreContract.claimAt("fn#1", "o", IdempotencyStoreContract.T0),
                    IdempotencyStoreContract.T0);
            assertEquals(1, warnings().size(), "not repeated per call");
        }
    }

    @Test
    void whereConfigIsDisabledAsOnElastiCacheThePolicyIsReadFromInfo() {
        try (RedisServer server = RedisServer.start("--maxmemory-policy", "volatile-lru", "--rename-command",
                "CONFIG", ""); RedisClient client = client(server)) {
            assertEquals(Optional.of("volatile-lru"), build(client).maxmemoryPolicy());
            List<String> warnings = warnings();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("volatile-lru") && warnings.get(0).contains("INFO memory"),
                    warnings.get(0));
        }
    }

    @Test
    void whereNeitherCommandAnswersTheWarningSaysSo() {
        try (RedisServer server = RedisServer.start("--rename-command", "CONFIG", "", "--rename-command", "INFO",
                ""); RedisClient client = client(server)) {
            RedisIdempotencyStore store = build(client);
            assertEquals(Optional.empty(), store.maxmemoryPolicy());
            List<String> warnings = warnings();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).startsWith("could not read the Redis maxmemory-policy"), warnings.get(0));
        }
    }

    @Test
    void theCheckCanBeTurnedOff() {
        try (RedisServer server = RedisServer.start("--maxmemory-policy", "allkeys-lru");
                RedisClient client = client(server)) {
            RedisIdempotencyStore store = RedisIdempotencyStore.builder().client(client)
                    .checkEvictionPolicy(false).build();
            assertEquals(Optional.empty(), store.maxmemoryPolicy());
            assertEquals(List.of(), warnings());
        }
    }

    private static RedisClient client(RedisServer server) {
        return RedisClient.create(server.host(), server.port());
    }

    private static RedisIdempotencyStore build(RedisClient client) {
        return RedisIdempotencyStore.builder().client(client).build();
    }

    private List<String> warnings() {
        return logged.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogRecord::getMessage).toList();
    }
}
