/**
 * The Redis / Valkey implementation of {@link dev.lambdaidempotency.spi.IdempotencyStore}: one record per hash,
 * one server-side script per claim, completion and release, the record's expiry as the key's expiry. Works with
 * ElastiCache (Redis OSS or Valkey, cluster mode on or off), MemoryDB and self-managed servers through any Jedis
 * {@link redis.clients.jedis.UnifiedJedis} client.
 */
package dev.lambdaidempotency.redis;
