package dev.lambdaidempotency.model;

import dev.lambdaidempotency.redis.RedisIdempotencyStore;
import dev.lambdaidempotency.testkit.RedisServer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import net.jqwik.api.state.ActionChain;
import redis.clients.jedis.RedisClient;

/**
 * The same model-based protocol suite as {@link ProtocolModelTest} on a real {@code redis-server} (one database, a
 * fresh function name per sequence), with as many sequences as on DynamoDB Local. Skipped where
 * {@code redis-server} is not installed, required under {@code CI=true}.
 */
@AddLifecycleHook(RedisProtocolModelIntegrationTest.WhenRedisIsInstalled.class)
class RedisProtocolModelIntegrationTest extends StoreProtocolModelSuite {
    static final java.util.logging.Logger LIBRARY_LOG = ProtocolModelTest.quiet();
    private static RedisServer server;
    private static RedisClient client;
    private static RedisIdempotencyStore store;

    /** jqwik does not turn a failed JUnit assumption in {@code @BeforeContainer} into a skip: this hook does. */
    static final class WhenRedisIsInstalled implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            try {
                return RedisServer.skipReason().map(SkipResult::skip).orElse(SkipResult.doNotSkip());
            } catch (IllegalStateException requiredInCi) {
                return SkipResult.doNotSkip();  // jqwik would only log it here: @BeforeContainer fails with it
            }
        }
    }

    @BeforeContainer
    static void startRedis() {
        server = RedisServer.start();
        client = RedisClient.create(server.host(), server.port());
        store = RedisIdempotencyStore.builder().client(client).keyPrefix("model-protocol:").build();
    }

    @AfterContainer
    static void stopRedis() {
        if (server != null) {
            client.close();
            server.close();
        }
    }

    @Property(tries = 300, seed = "20261205", shrinking = ShrinkingMode.FULL)
    void theProtocolKeepsItsInvariantsOnRedis(@ForAll("chains") ActionChain<ProtocolRun> chain) {
        check(chain);
    }

    @Property(tries = 100, shrinking = ShrinkingMode.FULL)
    void theProtocolKeepsItsInvariantsOnRedisOnFreshSequences(@ForAll("chains") ActionChain<ProtocolRun> chain) {
        check(chain);
    }

    @Override
    ModelBackend backend(String functionName) {
        return new RedisModelBackend(store, client, functionName);
    }
}
