package dev.lambdaidempotency.benchmarks.runner;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.benchmarks.function.FloorFunction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The Redis floor as a handler: the bare handler behind exactly the commands the library's Redis store sends (one
 * {@code EVALSHA} of the same claim script, then of the completion or release script, the same hash fields), the
 * key taken as is from {@code orderId}: no hashing, no record type, no tracing, no metrics. The scripts are copies
 * of the store's; {@link RedisWarmBenchmark} checks that the server knows them by the same SHA-1 after the store
 * has run them, so a drifted copy fails the run rather than measuring something else. Thread-safe.
 *
 * @param <R> the response type
 */
final class RedisFloorFunction<R> implements RequestHandler<Map<String, Object>, R> {
    static final String CLAIM = """
            local current = redis.call('HGETALL', KEYS[1])
            if #current > 0 then
              local f = {}
              for i = 1, #current, 2 do f[current[i]] = current[i + 1] end
              local expiry = tonumber(f['expiration'])
              local lease = tonumber(f['in_progress_expiration'])
              local expired = expiry ~= nil and expiry < tonumber(ARGV[1])
              local lapsed = f['status'] == 'IN_PROGRESS' and lease ~= nil and lease < tonumber(ARGV[2])
              if not (expired or lapsed) then
                return {0, current}
              end
              redis.call('DEL', KEYS[1])
            end
            redis.call('HSET', KEYS[1], unpack(ARGV, 4))
            redis.call('PEXPIREAT', KEYS[1], ARGV[3])
            return {1, current}
            """;
    static final String COMPLETE = """
            if redis.call('EXISTS', KEYS[1]) == 1 then
              local held = redis.call('HMGET', KEYS[1], 'status', 'owner')
              if not (held[1] == 'IN_PROGRESS' and held[2] == ARGV[1]) then
                return {0, held[1], held[2]}
              end
              redis.call('DEL', KEYS[1])
            end
            redis.call('HSET', KEYS[1], unpack(ARGV, 3))
            redis.call('PEXPIREAT', KEYS[1], ARGV[2])
            return {1}
            """;
    static final String RELEASE = """
            if redis.call('EXISTS', KEYS[1]) == 0 then
              return 2
            end
            local held = redis.call('HMGET', KEYS[1], 'status', 'owner')
            if held[1] == 'IN_PROGRESS' and held[2] == ARGV[1] then
              redis.call('DEL', KEYS[1])
              return 1
            end
            return 0
            """;
    static final List<String> SHAS = List.of(sha1(CLAIM), sha1(COMPLETE), sha1(RELEASE));
    private static final long LEASE_MILLIS = 300_000;
    private static final long TTL_SECONDS = 3600;

    private final UnifiedJedis client;
    private final RequestHandler<Map<String, Object>, R> handler;
    private final FloorFunction.Codec<R> codec;
    private final String keyPrefix;

    RedisFloorFunction(UnifiedJedis client, RequestHandler<Map<String, Object>, R> handler,
            FloorFunction.Codec<R> codec, String scope) {
        this.client = client;
        this.handler = handler;
        this.codec = codec;
        this.keyPrefix = "floor:{" + scope + "#";
    }

    @Override
    public R handleRequest(Map<String, Object> event, Context context) {
        String key = keyPrefix + event.get("orderId") + "}";
        long now = System.currentTimeMillis();
        String owner = Long.toHexString(ThreadLocalRandom.current().nextLong())
                + Long.toHexString(ThreadLocalRandom.current().nextLong());
        long lease = now + (context != null ? context.getRemainingTimeInMillis() : LEASE_MILLIS);
        String expiresAt = Long.toString(now / 1000 + TTL_SECONDS);
        String keyExpiry = Long.toString((now / 1000 + TTL_SECONDS + 1) * 1000);
        List<?> claimed = (List<?>) run(CLAIM, 0, key, List.of(Long.toString(now / 1000), Long.toString(now),
                keyExpiry, "status", "IN_PROGRESS", "expiration", expiresAt, "owner", owner,
                "in_progress_expiration", Long.toString(lease)));
        if ((Long) claimed.get(0) == 0L) {
            return replay(key, (List<?>) claimed.get(1));
        }
        R result;
        try {
            result = handler.handleRequest(event, context);
        } catch (RuntimeException e) {
            run(RELEASE, 2, key, List.of(owner));
            throw e;
        }
        String json = new String(codec.encode(result), StandardCharsets.UTF_8);
        run(COMPLETE, 1, key, List.of(owner, keyExpiry, "status", "COMPLETED", "expiration", expiresAt, "owner",
                owner, "data", json));
        return result;
    }

    private R replay(String key, List<?> held) {
        String status = null;
        String data = null;
        for (int i = 0; i < held.size(); i += 2) {
            if ("status".equals(held.get(i))) {
                status = (String) held.get(i + 1);
            } else if ("data".equals(held.get(i))) {
                data = (String) held.get(i + 1);
            }
        }
        if (!"COMPLETED".equals(status) || data == null) {
            throw new IllegalStateException("in progress: " + key);
        }
        return codec.decode(data.getBytes(StandardCharsets.UTF_8));
    }

    private Object run(String script, int which, String key, List<String> args) {
        List<String> keys = List.of(key);
        try {
            return client.evalsha(SHAS.get(which), keys, args);
        } catch (JedisNoScriptException unknownHere) {
            return client.eval(script, keys, args);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
