package dev.lambdaidempotency.model;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Provide;
import net.jqwik.api.state.ActionChain;

/**
 * What the model-based suites on a real store share: the chains of 30 steps, each run on a fresh function name in
 * the suite's one table (or database), the local cache on every other run, and the run closed after its chain. A
 * suite starts its server in {@code @BeforeContainer}, declares its properties on {@code @ForAll("chains")} calling
 * {@link #check}, and says how a run reaches its store ({@link #backend}).
 */
abstract class StoreProtocolModelSuite {
    /** Per suite, so that a fixed seed gives a suite the same runs (cache on or off) whichever suite ran first. */
    private static final Map<Class<?>, AtomicInteger> RUNS = new ConcurrentHashMap<>();
    private ProtocolRun run;

    /** The backend of one run, on a function name no earlier run used. */
    abstract ModelBackend backend(String functionName);

    @Provide
    Arbitrary<ActionChain<ProtocolRun>> chains() {
        return ProtocolActions.chains(() -> {
            int number = RUNS.computeIfAbsent(getClass(), suite -> new AtomicInteger()).incrementAndGet();
            run = new ProtocolRun(backend("model-" + number), number % 2 == 0);
            return run;
        }, 30);
    }

    final void check(ActionChain<ProtocolRun> chain) {
        try {
            chain.run();
        } finally {
            if (run != null) {
                run.close();
            }
        }
    }
}
