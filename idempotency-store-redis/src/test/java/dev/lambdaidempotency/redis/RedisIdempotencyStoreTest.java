package dev.lambdaidempotency.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdaidempotency.spi.StoredResult;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** What the store sends, without a server: script arguments, keys, settings and error classification. */
class RedisIdempotencyStoreTest {

    @Test
    void theClaimCarriesTheCallersTimeAndTheKeyExpiryBeforeTheFields() {
        Instant now = Instant.parse("2030-01-01T00:00:00.250Z");
        List<String> arguments = RedisIdempotencyStore.claimArguments(RecordHashTest.CLAIM, now);
        assertEquals(List.of("1893456000", "1893456000250", "1893459601000"), arguments.subList(0, 3));
        assertEquals(RecordHash.encode(RecordHashTest.CLAIM), arguments.subList(3, arguments.size()));
    }

    @Test
    void theCompletionCarriesTheOwnerTokenAsItsFence() {
        List<String> arguments = RedisIdempotencyStore.completeArguments(RecordHashTest.CLAIM
                .complete(new StoredResult.Inline("1")));
        assertEquals(List.of("owner-1", "1893459601000", "status", "COMPLETED"), arguments.subList(0, 4));
    }

    @Test
    void everyRecordIsOneKeyWhoseHashTagIsTheRecordId() {
        RedisIdempotencyStore store = RedisIdempotencyStore.builder().client(new redis.clients.jedis.RedisClient
                .Builder().hostAndPort("127.0.0.1", 1).build()).checkEvictionPolicy(false).build();
        // a version 1 record id (spi.RecordId's documented example), used as is inside the hash tag
        String id = "payments#00d5c8b71f851bbe47626a189b20fb19c11753e244bb658095c370ba3798f85c";
        assertEquals("idempotency:{" + id + "}", store.key(id));
        assertEquals("orders:{" + id + "}", RedisIdempotencyStore.builder().client(new redis.clients.jedis
                .RedisClient.Builder().hostAndPort("127.0.0.1", 1).build()).keyPrefix("orders:")
                .checkEvictionPolicy(false).build().key(id));
        assertEquals(Optional.empty(), store.maxmemoryPolicy());
        assertEquals(RedisIdempotencyStore.DEFAULT_MAX_INLINE_RESULT_BYTES, store.maxInlineResultBytes());
        store.prime();  // no I/O: the client points at a closed port
    }

    @Test
    void settingsAreValidatedWhenSet() {
        RedisIdempotencyStore.Builder builder = RedisIdempotencyStore.builder();
        assertThrows(IllegalArgumentException.class, () -> builder.keyPrefix("app:{x}:"));
        assertThrows(IllegalArgumentException.class, () -> builder.maxInlineResultBytes(-1));
        assertThrows(IllegalArgumentException.class,
                () -> builder.maxInlineResultBytes(RedisIdempotencyStore.REDIS_VALUE_LIMIT + 1));
        assertThrows(NullPointerException.class, builder::build);
    }

    @Test
    void failoverAndConnectionErrorsAreRetryableOthersAreNot() {
        assertTrue(RedisIdempotencyStore.retryable(new JedisConnectionException("reset")));
        assertTrue(RedisIdempotencyStore.retryable(new JedisDataException("READONLY You can't write against a "
                + "read only replica.")));
        assertTrue(RedisIdempotencyStore.retryable(new JedisDataException("LOADING Redis is loading")));
        assertFalse(RedisIdempotencyStore.retryable(new JedisDataException("OOM command not allowed when used "
                + "memory > 'maxmemory'.")));
        assertFalse(RedisIdempotencyStore.retryable(new JedisAccessControlException("WRONGPASS")));
    }

    @Test
    void scriptsAreNamedByTheirSha1() {
        assertEquals(40, RecordScript.CLAIM.sha1().length());
        assertNotEquals(RecordScript.CLAIM.sha1(), RecordScript.COMPLETE.sha1());
        assertNotEquals(RecordScript.COMPLETE.sha1(), RecordScript.RELEASE.sha1());
    }
}
