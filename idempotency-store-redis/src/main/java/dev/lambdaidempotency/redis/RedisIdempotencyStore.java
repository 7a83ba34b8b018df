package dev.lambdaidempotency.redis;

import dev.lambdaidempotency.IdempotencyClaimLostException;
import dev.lambdaidempotency.IdempotencyStoreException;
import dev.lambdaidempotency.spi.ClaimResult;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.spi.RecordStatus;
import dev.lambdaidempotency.spi.RenewResult;
import dev.lambdaidempotency.spi.ResultPointer;
import dev.lambdaidempotency.spi.StoredResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Idempotency records in Redis or Valkey (ElastiCache, MemoryDB, self-managed), one hash per record, with the same
 * guarantees as the DynamoDB store: an atomic claim that hands back the blocking record in the same round trip,
 * completion and release fenced by the owner token, the record's expiry as the key's expiry.
 *
 * <pre>{@code
 * UnifiedJedis redis = RedisClient.builder()
 *     .hostAndPort(System.getenv("REDIS_HOST"), 6379)
 *     .clientConfig(DefaultJedisClientConfig.builder().sslOptions(SslOptions.defaults())
 *         .user("app").password(token).build())
 *     .build();                         // or RedisClusterClient for cluster mode
 * IdempotencyStore store = RedisIdempotencyStore.builder()
 *     .client(redis)
 *     .keyPrefix("orders:idempotency:")  // default "idempotency:"
 *     .build();                         // reads maxmemory-policy once and warns unless it is noeviction
 * }</pre>
 *
 * <p>Round trips per invocation, as on DynamoDB: a first execution costs a claim and a completion; a replay costs
 * the refused claim alone, whose answer carries the stored record; a failed handler costs the claim and a release.
 * Each is one {@code EVALSHA} of a server-side script (one {@code EVAL} more after a server forgets the script).
 *
 * <p>Every record lives under one key, {@code <prefix>{<record id>}}: the braces are a cluster hash tag, so a
 * record's key (and any key a later version adds for it) maps to one slot and every script touches one slot. The
 * store passes the caller's clock into the scripts and never reads the server's, so its decisions are the same as
 * the DynamoDB store's for the same instants; Redis drops a key at the end of its record's expiry second
 * ({@code PEXPIREAT}), by the server's clock.
 *
 * <p>The store does not own the client: close it yourself, if ever. This class is immutable and thread-safe (as
 * Jedis's pooled clients are).
 */
public final class RedisIdempotencyStore implements IdempotencyStore {
    /** Default {@link Builder#keyPrefix(String)}. */
    public static final String DEFAULT_KEY_PREFIX = "idempotency:";
    /**
     * Default {@link Builder#maxInlineResultBytes(int)}: the DynamoDB store's limit (400 KiB less 2 KiB), so that a
     * result is inline, offloaded or unavailable under the same conditions on either store, and Redis memory is not
     * spent on large values that S3 keeps more cheaply.
     */
    public static final int DEFAULT_MAX_INLINE_RESULT_BYTES = 400 * 1024 - 2048;
    /** The largest value Redis accepts in a hash field (512 MiB). */
    public static final int REDIS_VALUE_LIMIT = 512 * 1024 * 1024;

    private static final System.Logger LOG = System.getLogger(RedisIdempotencyStore.class.getName());

    private final UnifiedJedis client;
    private final String keyPrefix;
    private final int maxInlineResultBytes;
    private final EvictionPolicy evictionPolicy;

    private RedisIdempotencyStore(Builder builder) {
        this.client = Objects.requireNonNull(builder.client, "client: set one with RedisIdempotencyStore.builder()"
                + ".client(...)");
        this.keyPrefix = builder.keyPrefix;
        this.maxInlineResultBytes = builder.maxInlineResultBytes;
        this.evictionPolicy = builder.checkEvictionPolicy ? EvictionPolicy.read(client) : null;
        if (evictionPolicy != null) {
            evictionPolicy.warning().ifPresent(warning -> LOG.log(System.Logger.Level.WARNING, warning));
        }
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The prefix of every key this store writes.
     *
     * @return the key prefix
     */
    public String keyPrefix() {
        return keyPrefix;
    }

    /**
     * The Redis key of a record: {@code <prefix>{<id>}}, the id being the cluster hash tag.
     *
     * @param id the record id
     * @return the key
     */
    public String key(String id) {
        return keyPrefix + "{" + id + "}";
    }

    /**
     * The server's {@code maxmemory-policy} as read when the store was built.
     *
     * @return the policy; empty when the check was turned off or the server refused both {@code CONFIG GET} and
     *         {@code INFO}
     */
    public Optional<String> maxmemoryPolicy() {
        return evictionPolicy == null ? Optional.empty() : evictionPolicy.policy();
    }

    @Override
    public ClaimResult claim(IdempotencyRecord claim, Instant now) {
        List<?> answer = (List<?>) run(RecordScript.CLAIM, claim.id(), claimArguments(claim, now));
        List<?> held = (List<?>) answer.get(1);
        if (number(answer.get(0)) == 1) {
            IdempotencyRecord replaced = held.isEmpty() ? null : RecordHash.decodeLeniently(claim.id(), held);
            // an earlier attempt of this same request (applied, answer lost) is not a record we replaced
            boolean ours = replaced != null && replaced.ownerToken().equals(claim.ownerToken());
            return new ClaimResult.Claimed(ours ? null : replaced);
        }
        IdempotencyRecord existing = RecordHash.decode(claim.id(), held);
        if (existing.status() == RecordStatus.IN_PROGRESS && existing.ownerToken().equals(claim.ownerToken())) {
            return new ClaimResult.Claimed(null); // our own claim: a retried request whose first try was applied
        }
        return new ClaimResult.Existing(existing);
    }

    @Override
    public RenewResult renew(IdempotencyRecord claim, Instant now) {
        List<?> answer = (List<?>) run(RecordScript.RENEW, claim.id(), renewArguments(claim, now));
        long outcome = number(answer.get(0));
        if (outcome == 2) {
            return new RenewResult.Absent();
        }
        if (outcome == 1) {
            return new RenewResult.Renewed(Instant.ofEpochMilli(Long.parseLong(String.valueOf(answer.get(1)))));
        }
        return new RenewResult.Refused(RecordHash.decode(claim.id(), (List<?>) answer.get(1)));
    }

    @Override
    public void complete(IdempotencyRecord completed) {
        List<?> answer = (List<?>) run(RecordScript.COMPLETE, completed.id(), completeArguments(completed));
        if (number(answer.get(0)) == 1) {
            return;
        }
        Object status = answer.size() > 1 ? answer.get(1) : null;
        Object owner = answer.size() > 2 ? answer.get(2) : null;
        if (RecordStatus.COMPLETED.name().equals(status) && completed.ownerToken().equals(owner)) {
            return; // already applied by an earlier attempt of this same write
        }
        throw new IdempotencyClaimLostException("the claim on " + completed.id() + " is now held by another "
                + "invocation (status " + status + "); the record was left untouched", completed.id());
    }

    @Override
    public void release(String id, String ownerToken) {
        Object answer = run(RecordScript.RELEASE, id, List.of(ownerToken));
        if (number(answer) == 0) {
            throw new IdempotencyClaimLostException("the claim on " + id + " is now held by another invocation; "
                    + "its record was left untouched", id);
        }
    }

    @Override
    public int maxInlineResultBytes() {
        return maxInlineResultBytes;
    }

    /**
     * Builds the claim, completion and release arguments for sample records and encodes and decodes every kind of
     * record (in progress; completed inline, offloaded and unavailable), without sending anything.
     */
    @Override
    public void prime() {
        Instant now = Instant.ofEpochSecond(1_700_000_000L);
        String id = "prime#" + "0".repeat(64);
        IdempotencyRecord claim = new IdempotencyRecord(id, RecordStatus.IN_PROGRESS, now.plusSeconds(3600),
                now.plusSeconds(60), "0".repeat(64), "prime-owner", null);
        key(id);
        RecordHash.decode(id, claimArguments(claim, now).subList(3, 3 + RecordHash.encode(claim).size()));
        renewArguments(claim, now);
        for (StoredResult result : List.of(new StoredResult.Inline("{\"prime\":true}"),
                new StoredResult.Offloaded(new ResultPointer("bucket", "key", 1, "0".repeat(64), "application/json",
                        "gzip")),
                new StoredResult.Unavailable("prime"))) {
            IdempotencyRecord completed = claim.complete(result);
            List<String> arguments = completeArguments(completed);
            RecordHash.decodeLeniently(id, arguments.subList(2, arguments.size()));
        }
        retryable(new JedisDataException("READONLY prime"));
    }

    static List<String> claimArguments(IdempotencyRecord claim, Instant now) {
        List<String> fields = RecordHash.encode(claim);
        List<String> arguments = new ArrayList<>(3 + fields.size());
        arguments.add(Long.toString(now.getEpochSecond()));
        arguments.add(Long.toString(now.toEpochMilli()));
        arguments.add(Long.toString(RecordHash.expireAtMillis(claim)));
        arguments.addAll(fields);
        return arguments;
    }

    static List<String> renewArguments(IdempotencyRecord claim, Instant now) {
        return List.of(Long.toString(now.getEpochSecond()), Long.toString(claim.inProgressExpiresAt().toEpochMilli()),
                Long.toString(claim.expiresAt().getEpochSecond()), Long.toString(RecordHash.expireAtMillis(claim)),
                claim.ownerToken());
    }

    static List<String> completeArguments(IdempotencyRecord completed) {
        List<String> fields = RecordHash.encode(completed);
        List<String> arguments = new ArrayList<>(2 + fields.size());
        arguments.add(completed.ownerToken());
        arguments.add(Long.toString(RecordHash.expireAtMillis(completed)));
        arguments.addAll(fields);
        return arguments;
    }

    private Object run(RecordScript script, String id, List<String> arguments) {
        try {
            return script.run(client, key(id), arguments);
        } catch (JedisException e) {
            throw new IdempotencyStoreException("Redis " + script.name() + " script for " + id + " failed: "
                    + e.getMessage(), id, retryable(e), e);
        }
    }

    private static long number(Object reply) {
        return ((Long) reply).longValue();
    }

    /**
     * Transient: lost or refused connections, and the answers of a server that is failing over, loading, busy or
     * rebalancing slots. Not transient: out of memory under {@code noeviction}, authentication, script errors.
     */
    static boolean retryable(JedisException e) {
        if (!(e instanceof JedisDataException)) {
            return true;
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        for (String transientError : List.of("READONLY", "LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN",
                "MASTERDOWN", "MOVED", "ASK")) {
            if (message.startsWith(transientError)) {
                return true;
            }
        }
        return e instanceof JedisConnectionException;
    }

    @Override
    public String toString() {
        return "RedisIdempotencyStore[" + keyPrefix + "]";
    }

    /** Collects the store's settings. Not thread-safe. */
    public static final class Builder {
        private UnifiedJedis client;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private int maxInlineResultBytes = DEFAULT_MAX_INLINE_RESULT_BYTES;
        private boolean checkEvictionPolicy = true;

        private Builder() {
        }

        /**
         * Sets the client: a {@code redis.clients.jedis.RedisClient} (standalone, ElastiCache cluster mode
         * disabled, a MemoryDB or ElastiCache primary endpoint), a {@code RedisClusterClient} (cluster mode
         * enabled) or a {@code RedisSentinelClient}. Build it once, at init, with TLS and credentials as the README
         * shows; the store never closes it.
         *
         * @param client required
         * @return this builder
         */
        public Builder client(UnifiedJedis client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * Sets the prefix of every key, so that several functions or applications can share a database.
         *
         * @param keyPrefix default {@value #DEFAULT_KEY_PREFIX}; may be empty; must not contain {@code {} or
         *                  {@code }} (the record id is the key's hash tag)
         * @return this builder
         */
        public Builder keyPrefix(String keyPrefix) {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
                throw new IllegalArgumentException("keyPrefix must not contain '{' or '}' (the record id is the "
                        + "cluster hash tag), was \"" + keyPrefix + "\"");
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * Sets the largest result, in UTF-8 bytes, kept in the record; larger ones go to the configured result
         * store (S3) or are recorded as unavailable, exactly as with the DynamoDB store. Whether a result is
         * offloaded at all is decided first, by {@code IdempotencyConfig.offloadThresholdBytes()}.
         *
         * @param maxInlineResultBytes default {@link #DEFAULT_MAX_INLINE_RESULT_BYTES}; 0 to
         *                             {@link #REDIS_VALUE_LIMIT}
         * @return this builder
         */
        public Builder maxInlineResultBytes(int maxInlineResultBytes) {
            if (maxInlineResultBytes < 0 || maxInlineResultBytes > REDIS_VALUE_LIMIT) {
                throw new IllegalArgumentException("maxInlineResultBytes must be 0 to " + REDIS_VALUE_LIMIT
                        + ", was " + maxInlineResultBytes);
            }
            this.maxInlineResultBytes = maxInlineResultBytes;
            return this;
        }

        /**
         * Sets whether {@link #build()} reads the server's {@code maxmemory-policy} (one {@code CONFIG GET}, or an
         * {@code INFO memory} where {@code CONFIG} is disabled) and logs one warning unless it is
         * {@code noeviction}, or when it cannot be read.
         *
         * @param check default {@code true}
         * @return this builder
         */
        public Builder checkEvictionPolicy(boolean check) {
            this.checkEvictionPolicy = check;
            return this;
        }

        /**
         * Builds the store; with the eviction check on (the default), makes one request to the server.
         *
         * @return a new, thread-safe store
         * @throws NullPointerException when no client was set
         */
        public RedisIdempotencyStore build() {
            return new RedisIdempotencyStore(this);
        }
    }
}
