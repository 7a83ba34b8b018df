package dev.lambdaidempotency.model;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.statistics.Statistics;

/**
 * The claim/record protocol against its reference model ({@link ProtocolRun}) on the test kit's in-memory store:
 * thousands of random sequences of starts, admissions and their resumes, finishes, failures, crashes, clock moves
 * (by steps, and to the exact lease and expiry-second boundaries), TTL sweeps and store faults by several
 * invocations on two keys, with the local cache off and on. One fixed seed (the same sequences on every
 * build) plus random seeds (new sequences every build; a failure prints its seed).
 */
class ProtocolModelTest {
    /** The library logs every injected fault and takeover at WARNING/ERROR; thousands of runs would drown the log. */
    static final java.util.logging.Logger LIBRARY_LOG = quiet();
    private static final int STEPS = 40;
    private ProtocolRun run;

    @Property(tries = 3000, seed = "20261205", shrinking = ShrinkingMode.FULL)
    void theProtocolKeepsItsInvariants(@ForAll("withoutCache") ActionChain<ProtocolRun> chain) {
        check(chain);
    }

    @Property(tries = 1000, seed = "9", shrinking = ShrinkingMode.FULL)
    void theProtocolKeepsItsInvariantsWithTheLocalCache(@ForAll("withCache") ActionChain<ProtocolRun> chain) {
        check(chain);
    }

    @Property(tries = 1000, shrinking = ShrinkingMode.FULL)
    void theProtocolKeepsItsInvariantsOnFreshSequences(@ForAll("withoutCache") ActionChain<ProtocolRun> chain) {
        check(chain);
    }

    @Property(tries = 500, shrinking = ShrinkingMode.FULL)
    void theProtocolKeepsItsInvariantsWithTheLocalCacheOnFreshSequences(
            @ForAll("withCache") ActionChain<ProtocolRun> chain) {
        check(chain);
    }

    @Provide
    Arbitrary<ActionChain<ProtocolRun>> withoutCache() {
        return ProtocolActions.chains(() -> newRun(false), STEPS);
    }

    @Provide
    Arbitrary<ActionChain<ProtocolRun>> withCache() {
        return ProtocolActions.chains(() -> newRun(true), STEPS);
    }

    static java.util.logging.Logger quiet() {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger("dev.lambdaidempotency");
        logger.setLevel(java.util.logging.Level.OFF);
        return logger;
    }

    private ProtocolRun newRun(boolean cache) {
        run = new ProtocolRun(ModelBackend.inMemory(), cache);
        return run;
    }

    private void check(ActionChain<ProtocolRun> chain) {
        try {
            chain.run();
            run.coverage().forEach(seen -> Statistics.label("seen").collect(seen));
        } finally {
            if (run != null) {
                run.close();
            }
        }
    }
}
