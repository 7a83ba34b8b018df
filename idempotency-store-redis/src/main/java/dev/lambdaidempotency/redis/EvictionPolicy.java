package dev.lambdaidempotency.redis;

import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The server's {@code maxmemory-policy}, read once when the store is built. Any policy but {@code noeviction} lets
 * Redis delete idempotency records under memory pressure (every record has an expiry, so even the
 * {@code volatile-*} policies, ElastiCache's default among them, may pick them), and a retry of an evicted record
 * runs its operation again. Managed services often refuse {@code CONFIG} (ElastiCache renames it away), so the
 * policy is read with {@code CONFIG GET} and, failing that, from {@code INFO memory}.
 *
 * @param policy the policy, or empty when neither command answered
 * @param why    how it was read, or why it could not be
 */
record EvictionPolicy(Optional<String> policy, String why) {
    static final String SAFE = "noeviction";

    static EvictionPolicy read(UnifiedJedis client) {
        String configFailure;
        try {
            Map<String, String> config = client.configGet("maxmemory-policy");
            String policy = config.get("maxmemory-policy");
            if (policy != null) {
                return new EvictionPolicy(Optional.of(policy), "CONFIG GET maxmemory-policy");
            }
            configFailure = "CONFIG GET returned no maxmemory-policy";
        } catch (JedisException | UnsupportedOperationException e) {
            configFailure = "CONFIG GET failed: " + e.getMessage();
        }
        try {
            for (String line : client.info("memory").split("\r?\n")) {
                if (line.startsWith("maxmemory_policy:")) {
                    return new EvictionPolicy(Optional.of(line.substring("maxmemory_policy:".length()).trim()),
                            "INFO memory (" + configFailure + ")");
                }
            }
            return new EvictionPolicy(Optional.empty(), configFailure + "; INFO memory has no maxmemory_policy");
        } catch (JedisException | UnsupportedOperationException e) {
            return new EvictionPolicy(Optional.empty(), configFailure + "; INFO memory failed: " + e.getMessage());
        }
    }

    boolean isSafe() {
        return policy.map(SAFE::equals).orElse(false);
    }

    /** The operator-facing warning, or empty when the policy is {@code noeviction}. */
    Optional<String> warning() {
        if (isSafe()) {
            return Optional.empty();
        }
        String risk = "Redis may evict idempotency records under memory pressure, and a retry whose record was "
                + "evicted runs its operation again. Set maxmemory-policy to noeviction (on ElastiCache: in a custom "
                + "parameter group) and size the node for the records' TTL, or turn this check off with "
                + "RedisIdempotencyStore.Builder.checkEvictionPolicy(false) once you have.";
        return Optional.of(policy.map(p -> "the Redis maxmemory-policy is " + p + ", not " + SAFE + " (read with "
                + why + "): ").orElse("could not read the Redis maxmemory-policy (" + why + "): if it is not "
                + SAFE + ", ") + risk);
    }
}
