package dev.lambdaidempotency.testkit;

import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.spi.ResultStore;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one {@link IdempotencyContract} test gives the handler it builds: a record store on a fresh DynamoDB table,
 * a result store on a fresh S3 bucket, and a counter of the handler's side effects. Thread-safe.
 */
public final class ContractBackend {
    private final IdempotencyStore store;
    private final ResultStore resultStore;
    private final AtomicInteger effects = new AtomicInteger();

    ContractBackend(IdempotencyStore store, ResultStore resultStore) {
        this.store = Objects.requireNonNull(store, "store");
        this.resultStore = Objects.requireNonNull(resultStore, "resultStore");
    }

    /**
     * The record store (DynamoDB Local, a table of this test's own).
     *
     * @return the store
     */
    public IdempotencyStore store() {
        return store;
    }

    /**
     * The result store for offloaded results (S3Proxy, a bucket of this test's own).
     *
     * @return the store
     */
    public ResultStore resultStore() {
        return resultStore;
    }

    /**
     * A builder already holding both stores; add your configuration and build.
     *
     * @return a new builder
     */
    public Idempotency.Builder idempotency() {
        return Idempotency.builder().store(store).resultStore(resultStore);
    }

    /** Counts one side effect: call it where the handler does what must happen once (the charge, the e-mail). */
    public void effect() {
        effects.incrementAndGet();
    }

    /**
     * The side effects counted so far.
     *
     * @return the count
     */
    public int effects() {
        return effects.get();
    }
}
