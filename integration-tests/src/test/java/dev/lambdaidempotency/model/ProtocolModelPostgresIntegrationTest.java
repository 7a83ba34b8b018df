package dev.lambdaidempotency.model;

import dev.lambdaidempotency.it.support.Postgres;
import dev.lambdaidempotency.postgres.PostgresIdempotencyStore;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import net.jqwik.api.state.ActionChain;

/**
 * The same model-based protocol suite as {@link ProtocolModelTest} on a real PostgreSQL server (one table, a fresh
 * function name per sequence), as {@link ProtocolModelIntegrationTest} runs it on DynamoDB Local. Skipped, with the
 * reason, on a machine without PostgreSQL binaries (jqwik does not turn an aborted container set-up into a skip).
 */
@AddLifecycleHook(ProtocolModelPostgresIntegrationTest.SkipWithoutPostgres.class)
class ProtocolModelPostgresIntegrationTest extends StoreProtocolModelSuite {
    static final java.util.logging.Logger LIBRARY_LOG = ProtocolModelTest.quiet();
    private static PostgresIdempotencyStore store;

    @BeforeContainer
    static void createTable() {
        store = Postgres.newStore();
    }

    @Property(tries = 300, seed = "20261205", shrinking = ShrinkingMode.FULL)
    void theProtocolKeepsItsInvariantsOnPostgres(@ForAll("chains") ActionChain<ProtocolRun> chain) {
        check(chain);
    }

    @Property(tries = 100, shrinking = ShrinkingMode.FULL)
    void theProtocolKeepsItsInvariantsOnPostgresOnFreshSequences(@ForAll("chains") ActionChain<ProtocolRun> chain) {
        check(chain);
    }

    @Override
    ModelBackend backend(String functionName) {
        return ModelBackend.postgres(store, Postgres.dataSource(), store.tableName(), functionName);
    }

    /** Skips the container when {@link Postgres#skipReason()} says so. */
    static final class SkipWithoutPostgres implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            return Postgres.skipReason().map(SkipResult::skip).orElse(SkipResult.doNotSkip());
        }
    }
}
