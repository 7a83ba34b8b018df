package dev.lambdaidempotency.model;

import dev.lambdaidempotency.model.FaultyStore.Call;
import dev.lambdaidempotency.model.FaultyStore.Fault;
import dev.lambdaidempotency.model.ProtocolRun.Invocation;
import dev.lambdaidempotency.model.ProtocolRun.Kind;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.ActionChainArbitrary;
import net.jqwik.api.state.Transformer;

/**
 * The actions of the protocol model, each with a description that reads as a step of a scenario (what jqwik prints
 * for a shrunk counterexample).
 */
final class ProtocolActions {
    private static final List<Duration> TIMEOUTS = List.of(Duration.ofMinutes(1), Duration.ofMinutes(5),
            Duration.ofMinutes(15));
    private static final List<Duration> CLOCK_STEPS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(30),
            Duration.ofMinutes(2), Duration.ofMinutes(6), Duration.ofMinutes(11), Duration.ofMinutes(16));

    private ProtocolActions() {
    }

    static ActionChainArbitrary<ProtocolRun> chains(Supplier<ProtocolRun> newRun, int maxSteps) {
        return ActionChain.startWith(newRun)
                .withAction(5, new Start())
                .withAction(2, new Resume())
                .withAction(4, new OnRunning("finish", ProtocolRun::finish))
                .withAction(1, new OnRunning("throw in", ProtocolRun::throwIn))
                .withAction(1, new OnRunning("crash", ProtocolRun::crash))
                .withAction(3, new Advance())
                .withAction(3, new AdvanceToBoundary())
                .withAction(1, new Sweep())
                .withAction(2, new ArmFault())
                .withMaxTransformations(maxSteps);
    }

    /** A new invocation (a first request or a retry) on one of the keys. */
    private static final class Start implements Action.Independent<ProtocolRun> {
        @Override
        public Arbitrary<Transformer<ProtocolRun>> transformer() {
            return Combinators.combine(Arbitraries.of(Kind.LAMBDA, Kind.LAMBDA_NO_CONTEXT, Kind.WORKER, Kind.ADMIT),
                    Arbitraries.of(ProtocolRun.KEYS),
                    Arbitraries.of(TIMEOUTS)).as((kind, key, timeout) -> Transformer.mutate(
                            "start " + kind + " on " + key
                                    + (kind == Kind.WORKER || kind == Kind.ADMIT ? ""
                                            : " (timeout " + ProtocolRun.minutes(timeout) + ")"),
                            run -> run.start(kind, key, timeout)));
        }
    }

    /**
     * A worker resumes the latest (or the 2nd latest) admission on a key: named by key and age, like
     * {@link OnRunning}, so a delivery may come twice, late, after a crash, or for a claim that is gone.
     */
    private static final class Resume implements Action.Independent<ProtocolRun> {
        @Override
        public Arbitrary<Transformer<ProtocolRun>> transformer() {
            return Combinators.combine(Arbitraries.of(ProtocolRun.KEYS), Arbitraries.frequency(
                    net.jqwik.api.Tuple.of(3, 0), net.jqwik.api.Tuple.of(1, 1)), Arbitraries.of(TIMEOUTS))
                    .as((key, rank, timeout) -> Transformer.mutate("resume the " + (rank == 0 ? "latest" : "2nd latest")
                            + " admission on " + key + " (timeout " + ProtocolRun.minutes(timeout) + ")",
                            run -> run.resume(key, rank, timeout)));
        }
    }

    /**
     * Something that happens to a running invocation: it finishes, throws or dies. The invocation is named by key
     * and age (the oldest, or the second oldest, running on that key), never by object or number, and chosen
     * without looking at the state (no precondition either): jqwik can then drop any earlier step while shrinking,
     * where a step generated from, or guarded by, the state pins every step before it. When no such invocation is
     * running, the step does nothing.
     */
    private static final class OnRunning implements Action.Independent<ProtocolRun> {
        private final String verb;
        private final BiConsumer<ProtocolRun, Invocation> step;

        OnRunning(String verb, BiConsumer<ProtocolRun, Invocation> step) {
            this.verb = verb;
            this.step = step;
        }

        @Override
        public Arbitrary<Transformer<ProtocolRun>> transformer() {
            return Combinators.combine(Arbitraries.of(ProtocolRun.KEYS), Arbitraries.frequency(
                    net.jqwik.api.Tuple.of(3, 0), net.jqwik.api.Tuple.of(1, 1))).as((key, rank) -> Transformer.mutate(
                            verb + (rank == 0 ? " the oldest" : " the 2nd oldest") + " invocation on " + key,
                            run -> run.runningOn(key, rank).ifPresent(i -> step.accept(run, i))));
        }
    }

    /** The clock moves, past leases, deadlines and TTLs; Lambda kills invocations past their deadline. */
    private static final class Advance implements Action.Independent<ProtocolRun> {
        @Override
        public Arbitrary<Transformer<ProtocolRun>> transformer() {
            return Arbitraries.of(CLOCK_STEPS).map(step -> Transformer.mutate(
                    "advance " + ProtocolRun.minutes(step), run -> run.advance(step)));
        }
    }

    /**
     * The clock moves exactly to one side of a boundary of a key's record: its lease end or the millisecond after,
     * its completion + TTL, the last millisecond of its expiry second or the first of the next. Chosen without
     * looking at the state (see {@link OnRunning}); does nothing when the record has no such boundary ahead.
     */
    private static final class AdvanceToBoundary implements Action.Independent<ProtocolRun> {
        @Override
        public Arbitrary<Transformer<ProtocolRun>> transformer() {
            return Combinators.combine(Arbitraries.of(ProtocolRun.KEYS), Arbitraries.of(ProtocolRun.Boundary.class))
                    .as((key, boundary) -> Transformer.mutate("advance to " + boundary + " of " + key,
                            run -> run.advanceTo(key, boundary)));
        }
    }

    /** DynamoDB's TTL sweeper deletes expired records. */
    private static final class Sweep implements Action.Independent<ProtocolRun> {
        @Override
        public Arbitrary<Transformer<ProtocolRun>> transformer() {
            return Arbitraries.just(Transformer.mutate("TTL sweep", ProtocolRun::sweep));
        }
    }

    /** The store will fail the next one to three calls of one kind. */
    private static final class ArmFault implements Action.Independent<ProtocolRun> {
        @Override
        public Arbitrary<Transformer<ProtocolRun>> transformer() {
            return Combinators.combine(Arbitraries.of(Call.class), Arbitraries.of(Fault.class),
                    Arbitraries.integers().between(1, 3)).as((call, fault, times) -> Transformer.mutate(
                            "fault: next " + times + " " + call + " " + fault, run -> run.arm(call, fault, times)));
        }
    }
}
