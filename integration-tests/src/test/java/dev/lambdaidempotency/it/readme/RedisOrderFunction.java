package dev.lambdaidempotency.it.readme;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.it.support.Receipt;
import dev.lambdaidempotency.redis.RedisIdempotencyStore;
import java.util.Map;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.UnifiedJedis;

/** The README's Redis store example (between the markers), compiled here so that it cannot drift. */
// README example start
public class RedisOrderFunction implements RequestHandler<Map<String, Object>, Receipt> {
    private static final UnifiedJedis REDIS = RedisClient.builder()     // cluster mode enabled: RedisClusterClient
        .hostAndPort(System.getenv("REDIS_HOST"), 6379)
        .clientConfig(DefaultJedisClientConfig.builder().sslOptions(SslOptions.defaults())    // TLS
            .user(System.getenv("REDIS_USER")).password(System.getenv("REDIS_PASSWORD")).build())
        .build();
    private final RequestHandler<Map<String, Object>, Receipt> handler = Idempotency.builder()
        .store(RedisIdempotencyStore.builder().client(REDIS).build())   // warns unless maxmemory-policy is noeviction
        .config(IdempotencyConfig.builder().keyPath("orderId").build())
        .build()
        .wrap(new OrderHandler(), Receipt.class);

    public Receipt handleRequest(Map<String, Object> event, Context context) {
        return handler.handleRequest(event, context);
    }
}
// README example end
