package dev.lambdaidempotency.model;

import dev.lambdaidempotency.redis.RedisIdempotencyStore;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.IdempotencyStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/** A Redis database shared by runs; each run gets its own function name. Reads and sweeps with raw commands. */
final class RedisModelBackend implements ModelBackend {
    /** The model's TTL sweeper: delete the record if its expiry second is before now's, atomically. */
    private static final String SWEEP = """
            local expiry = tonumber(redis.call('HGET', KEYS[1], 'expiration'))
            if expiry ~= nil and expiry < tonumber(ARGV[1]) then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    private final RedisIdempotencyStore store;
    private final UnifiedJedis client;
    private final String functionName;

    RedisModelBackend(RedisIdempotencyStore store, UnifiedJedis client, String functionName) {
        this.store = store;
        this.client = client;
        this.functionName = functionName;
    }

    @Override
    public IdempotencyStore store() {
        return store;
    }

    @Override
    public String functionName() {
        return functionName;
    }

    @Override
    public Optional<IdempotencyRecord> read(String id) {
        Map<String, String> item = client.hgetAll(store.key(id));
        if (item.isEmpty()) {
            return Optional.empty();
        }
        String lease = item.get("in_progress_expiration");
        return Optional.of(ModelBackend.stored(id, item.get("status"), Long.parseLong(item.get("expiration")),
                lease == null ? null : Long.valueOf(lease), item.get("owner"), item.get("data"),
                item.get("result_unavailable")));
    }

    @Override
    public List<String> sweep(List<String> ids, Instant now) {
        return ids.stream().filter(id -> ((Long) client.eval(SWEEP, List.of(store.key(id)),
                List.of(Long.toString(now.getEpochSecond())))) == 1L).toList();
    }

    @Override
    public String toString() {
        return "redis-server";
    }
}
