package dev.lambdaidempotency.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * One of the store's server-side Lua scripts. Each runs atomically on the server that holds its one key (so it is
 * cluster-safe) and never reads the server's clock: the caller passes the time in, as the DynamoDB store passes
 * {@code :now} into its conditions. Sent as {@code EVALSHA}; a server that does not know the script yet (a new
 * connection target, a failover, {@code SCRIPT FLUSH}) answers {@code NOSCRIPT} without running anything, and the
 * script is then sent once in full with {@code EVAL}, which also caches it there. Immutable and thread-safe.
 */
final class RecordScript {
    /**
     * Claim. ARGV: now (epoch seconds), now (epoch milliseconds), key expiry (epoch milliseconds), then the new
     * record's fields and values. The id is free when there is no record, when its expiry second is before now's,
     * or when it is in progress and its claim lapsed before now (milliseconds). Answers {1, old fields} when written
     * (old fields empty when there was no record) and {0, current fields} when refused.
     */
    static final RecordScript CLAIM = new RecordScript("claim", """
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
            """);

    /**
     * Completion. ARGV: owner token, key expiry (epoch milliseconds), then the completed record's fields and values.
     * Writes only over the caller's own in-progress claim, or where there is no record at all. Answers {1} when
     * written and {0, status, owner} of the record that refused it.
     */
    static final RecordScript COMPLETE = new RecordScript("complete", """
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
            """);

    /**
     * Release. ARGV: owner token. Deletes only the caller's own in-progress claim. Answers 1 when deleted, 2 when
     * there was nothing to delete, 0 when another record refused it.
     */
    static final RecordScript RELEASE = new RecordScript("release", """
            if redis.call('EXISTS', KEYS[1]) == 0 then
              return 2
            end
            local held = redis.call('HMGET', KEYS[1], 'status', 'owner')
            if held[1] == 'IN_PROGRESS' and held[2] == ARGV[1] then
              redis.call('DEL', KEYS[1])
              return 1
            end
            return 0
            """);

    /**
     * Renewal. ARGV: now (epoch seconds), the new lease (epoch milliseconds), the new record expiry (epoch seconds),
     * its key expiry (epoch milliseconds), owner token. Extends only the caller's own live in-progress claim, and
     * only to a later lease (never shortened). Answers {1, lease} when the claim is the caller's (the lease now
     * stored), {0, current fields} when another record refused it, and {2} when there is no live record.
     */
    static final RecordScript RENEW = new RecordScript("renew", """
            local current = redis.call('HGETALL', KEYS[1])
            if #current == 0 then
              return {2}
            end
            local f = {}
            for i = 1, #current, 2 do f[current[i]] = current[i + 1] end
            local expiry = tonumber(f['expiration'])
            if expiry ~= nil and expiry < tonumber(ARGV[1]) then
              return {2}
            end
            if not (f['status'] == 'IN_PROGRESS' and f['owner'] == ARGV[5]) then
              return {0, current}
            end
            local lease = tonumber(f['in_progress_expiration'])
            if lease ~= nil and lease >= tonumber(ARGV[2]) then
              return {1, f['in_progress_expiration']}
            end
            redis.call('HSET', KEYS[1], 'in_progress_expiration', ARGV[2], 'expiration', ARGV[3])
            redis.call('PEXPIREAT', KEYS[1], ARGV[4])
            return {1, ARGV[2]}
            """);

    private final String name;
    private final String source;
    private final String sha1;

    private RecordScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha1 = sha1(source);
    }

    String name() {
        return name;
    }

    String source() {
        return source;
    }

    /** The digest {@code EVALSHA} names the script by (what {@code SCRIPT LOAD} would answer). */
    String sha1() {
        return sha1;
    }

    /** Runs the script on {@code key}: {@code EVALSHA}, or {@code EVAL} once after {@code NOSCRIPT}. */
    Object run(UnifiedJedis client, String key, List<String> args) {
        List<String> keys = List.of(key);
        try {
            return client.evalsha(sha1, keys, args);
        } catch (JedisNoScriptException unknownHere) {
            return client.eval(source, keys, args);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is a required JDK algorithm", e);
        }
    }
}
