package dev.lambdaidempotency.internal;

import java.util.Objects;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * The CRaC resource that Lambda SnapStart (or any CRaC runtime) calls before it takes the snapshot: it runs
 * {@link Priming#run()}. Loaded only when priming on SnapStart is enabled, so {@code org.crac} is needed only then.
 *
 * <p>The global context holds resources weakly: whoever registers this must keep the returned object reachable (the
 * {@code Idempotency} instance does, for as long as it lives).
 */
public final class SnapStartPriming implements Resource {
    private final Priming priming;

    private SnapStartPriming(Priming priming) {
        this.priming = Objects.requireNonNull(priming, "priming");
    }

    /**
     * Registers a resource that primes {@code priming} before each checkpoint. Outside a CRaC runtime the
     * registration does nothing (the {@code org.crac} API is inert there).
     *
     * @param priming what to run
     * @return the registered resource (an {@code org.crac.Resource}, typed {@code Object} so that callers do not
     *         load the CRaC API when they do not use it); keep it reachable
     */
    public static Object register(Priming priming) {
        SnapStartPriming resource = new SnapStartPriming(priming);
        Core.getGlobalContext().register(resource);
        return resource;
    }

    /** Primes, in memory; never fails the checkpoint. */
    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        priming.run();
    }

    /** Nothing to restore: priming opens no connections and keeps no state that a restore invalidates. */
    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // owner tokens come from SecureRandom, which the runtime reseeds after a restore (see OwnerTokens)
    }
}
