package dev.lambdaidempotency.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.lambdaidempotency.redis.RedisIdempotencyStore;
import dev.lambdaidempotency.spi.ClaimResult;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.spi.StoredResult;
import dev.lambdaidempotency.testkit.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import redis.clients.jedis.RedisClient;

/**
 * The store contract on a real {@code redis-server} (skipped where it is not installed, required in CI), one key
 * prefix per test; then what only Redis has: the key's own expiry, scripts the server has forgotten, and the
 * number of round trips.
 */
@EnabledIf(value = "dev.lambdaidempotency.testkit.RedisServer#installed",
        disabledReason = "redis-server is not installed (apt-get install redis-server, or set REDIS_SERVER)")
class RedisStoreContractIntegrationTest extends IdempotencyStoreContract {
    private static final AtomicInteger STORES = new AtomicInteger();
    private static RedisServer server;
    private static RedisClient client;
    private RedisIdempotencyStore store;

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
        store = RedisIdempotencyStore.builder().client(client).keyPrefix("contract-" + STORES.incrementAndGet()
                + ":").build();
        return store;
    }

    @Test
    void theServerRunsWithoutEvictionAsTheStoreExpects() {
        assertEquals(Optional.of("noeviction"), store.maxmemoryPolicy());
    }

    @Test
    void theKeyExpiresAtTheEndOfTheRecordsExpirySecondAndCompletionResetsIt() {
        String owner = owner();
        IdempotencyRecord claim = claim(ID, owner, Instant.parse("2030-01-01T00:15:00.900Z"),
                T0.plus(Duration.ofMinutes(15)));
        store.claim(claim, T0);
        assertEquals(Instant.parse("2030-01-01T00:15:01Z").toEpochMilli(), client.pexpireTime(store.key(ID)));

        // the engine sets a completed record's expiry from the completion time (TTL from completion)
        Instant completedAt = T0.plus(Duration.ofMinutes(5));
        store.complete(new IdempotencyRecord(ID, claim.status(), completedAt.plus(Duration.ofHours(1)),
                claim.inProgressExpiresAt(), claim.payloadHash(), owner, null).complete(new StoredResult.Inline("1")));
        assertEquals(Instant.parse("2030-01-01T01:05:01Z").toEpochMilli(), client.pexpireTime(store.key(ID)));
    }

    @Test
    void aRenewalMovesTheKeysExpiryWithTheRecordsAndAnEarlierLeaseMovesNothing() {
        IdempotencyRecord claim = claim(ID, owner(), Instant.parse("2030-01-01T00:15:00.900Z"),
                T0.plus(Duration.ofMinutes(15)));
        store.claim(claim, T0);
        store.renew(claim(ID, claim.ownerToken(), Instant.parse("2030-01-01T02:00:00.500Z"),
                T0.plus(Duration.ofHours(1))), T0.plusSeconds(1));
        assertEquals(Instant.parse("2030-01-01T02:00:01Z").toEpochMilli(), client.pexpireTime(store.key(ID)));

        store.renew(claim(ID, claim.ownerToken(), Instant.parse("2030-01-01T05:00:00Z"), T0.plusSeconds(60)),
                T0.plusSeconds(2));
        assertEquals(Instant.parse("2030-01-01T02:00:01Z").toEpochMilli(), client.pexpireTime(store.key(ID)));
    }

    @Test
    void aServerThatForgotTheScriptsIsSentThemAgain() {
        String owner = owner();
        IdempotencyRecord claim = claimAt(ID, owner, T0);
        client.scriptFlush();       // as after a failover to a replica that never saw them
        assertInstanceOf(ClaimResult.Claimed.class, store.claim(claim, T0));
        client.scriptFlush();
        store.complete(claim.complete(new StoredResult.Inline("\"ok\"")));
        client.scriptFlush();
        assertEquals(new StoredResult.Inline("\"ok\""),
                assertInstanceOf(ClaimResult.Existing.class, store.claim(claimAt(ID, owner(), T0), T0))
                        .existing().result());
    }

    @Test
    void aReplayCostsOneRoundTripAndAFirstExecutionTwo() {
        String owner = owner();
        IdempotencyRecord claim = claimAt(ID, owner, T0);
        IdempotencyRecord warm = claimAt(ID + "-warm", owner(), T0);    // the scripts are cached from here on
        store.claim(warm, T0);
        store.complete(warm.complete(new StoredResult.Inline("1")));
        long evals = calls("eval");
        long before = calls("evalsha");
        store.claim(claim, T0);
        store.complete(claim.complete(new StoredResult.Inline("1")));
        long firstExecution = calls("evalsha") - before;
        before = calls("evalsha");
        assertInstanceOf(ClaimResult.Existing.class, store.claim(claimAt(ID, owner(), T0), T0));
        assertEquals(2, firstExecution);
        assertEquals(1, calls("evalsha") - before);
        assertEquals(evals, calls("eval"), "EVALSHA only, once the server knows the scripts");
    }

    private static long calls(String command) {
        String prefix = "cmdstat_" + command + ":calls=";
        for (String line : client.info("commandstats").split("\r?\n")) {
            if (line.startsWith(prefix)) {
                return Long.parseLong(line.substring(prefix.length(), line.indexOf(',')));
            }
        }
        return 0;
    }
}
