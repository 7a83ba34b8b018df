package dev.lambdaidempotency.model;

import dev.lambdaidempotency.Admission;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyClaimLostException;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.IdempotencyStoreException;
import dev.lambdaidempotency.IdempotentOperation;
import dev.lambdaidempotency.model.FaultyStore.Applied;
import dev.lambdaidempotency.model.FaultyStore.Call;
import dev.lambdaidempotency.model.FaultyStore.Injected;
import dev.lambdaidempotency.model.FaultyStore.Killed;
import dev.lambdaidempotency.spi.IdempotencyMetricsSink;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.RecordStatus;
import dev.lambdaidempotency.spi.StoredResult;
import dev.lambdaidempotency.testkit.MutableClock;
import dev.lambdaidempotency.testkit.TestLambdaContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One run of the model-based protocol test: the library (two {@link Idempotency} instances sharing one store:
 * Lambda functions, and workers outside Lambda with an explicit short lease) driven step by step, next to a
 * reference model of what the store must hold and what each caller may see.
 *
 * <p>Each logical invocation runs the library's synchronous API on its own thread; its operation blocks until the
 * test tells it to finish, throw or die, and the test thread waits (with latches, never sleeps) until the
 * invocation has either entered its operation or returned. So exactly one thing happens at a time and every run is
 * reproducible from its action list.
 *
 * <p>The reference model, per key: the record the store must hold (none, in progress by invocation X, completed by
 * X at time T with result R or "unavailable"), maintained from the store calls the {@link FaultyStore} saw applied.
 * Checked after every step:
 * <ul>
 *   <li>an operation starts exactly when the model says the key is free (only then, and always then unless the
 *       store failed the claim): no record, a completed record whose expiry second (completion + TTL) is before
 *       now's, or an in-progress claim whose lease ended before now, to the millisecond (Lambda: the invocation's
 *       deadline; without a context: Lambda's 15-minute maximum; a worker: its configured lease). So a completed
 *       record replays until its TTL and then the key runs exactly once more, and a lapsed claim is taken over;
 *       the clock also moves to the exact instants on either side of these boundaries;</li>
 *   <li>a replay returns exactly the model's completed result; "in progress" only while the model's claim is live;
 *       "result unavailable" only for a record completed without a result;</li>
 *   <li>a finished invocation gets its own result back, recorded unless the store failed the completion; it loses
 *       its claim only when another invocation holds the key;</li>
 *   <li>the store holds exactly the model's record (status, owner), a claim lasts exactly its lease, an
 *       in-progress record expires no later than its lease plus the TTL, and a completed record in the second of
 *       its completion plus the TTL;</li>
 *   <li>the TTL sweeper deletes only what the model says has expired; no completion or release changes a record
 *       another owner holds.</li>
 * </ul>
 */
final class ProtocolRun implements AutoCloseable {
    static final Duration TTL = Duration.ofMinutes(10);
    static final Duration LAMBDA_MAXIMUM = Duration.ofMinutes(15);
    static final Duration WORKER_LEASE = Duration.ofMinutes(2);
    static final Duration ADMISSION_LEASE = Duration.ofMinutes(3);
    static final List<String> KEYS = List.of("k1", "k2");
    private static final long WAIT_SECONDS = 30;
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "model-invocation");
        thread.setDaemon(true);
        return thread;
    });

    /** How an invocation runs. */
    enum Kind {
        /** Inside Lambda with its Context: the claim lasts until the deadline, where Lambda kills it. */
        LAMBDA,
        /** Inside Lambda, calling {@code call(key, action)} without a Context; killed at the function timeout. */
        LAMBDA_NO_CONTEXT,
        /** Outside Lambda, with an explicit 2-minute lease; never killed, so it may finish after its lease. */
        WORKER,
        /**
         * A request admitted for deferred execution ({@code admit} with a 3-minute lease): it claims the key and
         * returns; a {@link #RESUME} of its claim token runs the operation later.
         */
        ADMIT,
        /**
         * A worker resuming an admission ({@code resume} with its claim token and a Lambda Context): renews the claim
         * to its deadline, then runs; killed at its deadline. Deliveries are at least once: several may resume one
         * admission.
         */
        RESUME
    }

    /**
     * An instant the clock can be moved to exactly, relative to a key's record in the model: the stores compare a
     * claim's lease at millisecond precision (lapsed once it is before now) and a record's expiry at second precision
     * (expired once its second is before now's), so each boundary has a last instant on one side and a first on the
     * other.
     */
    enum Boundary {
        /** The in-progress claim's lease end: the claim still holds. */
        LEASE_END("the lease end"),
        /** One millisecond after the lease end: the claim has lapsed and may be taken over. */
        LEASE_LAPSED("1 ms after the lease end"),
        /** Exactly the completion plus the TTL: still replayed (its expiry second is now's). */
        TTL_END("completion + TTL"),
        /** The last millisecond of the completed record's expiry second: still replayed. */
        LAST_REPLAY("the last ms of the expiry second"),
        /** The first instant of the next second: the record has expired and the key runs again. */
        RUNS_AGAIN("the second after the expiry second");

        private final String description;

        Boundary(String description) {
            this.description = description;
        }

        @Override
        public String toString() {
            return description;
        }
    }

    private enum Instruction {
        FINISH, THROW, KILL
    }

    private enum State {
        RUNNING, DONE
    }

    private record Entered() {
    }

    private record Returned(Object value, Throwable error) {
    }

    /** The model's record of one key. */
    private record ModelRecord(RecordStatus status, Invocation owner, Instant completedAt, String result) {
        @Override
        public String toString() {
            return status == RecordStatus.IN_PROGRESS ? "in progress by " + owner + " until " + owner.leaseEnd
                    : "completed by " + owner + " at " + completedAt + " with "
                            + (result == null ? "no result (unavailable)" : result) + ", replays before "
                            + replayEnd(this);
        }
    }

    /** One logical invocation. */
    static final class Invocation {
        final int number;
        final Kind kind;
        final String key;
        final Instant deadline;
        /** The resumed admission (its claim token is this invocation's), for a {@link Kind#RESUME}. */
        final Invocation admission;
        volatile Instant leaseEnd;
        /** For an {@link Kind#ADMIT}: a resume of it returned from its operation (finished, or threw). */
        boolean settled;
        final String value;
        final RuntimeException userError;
        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        final BlockingQueue<Instruction> instructions = new LinkedBlockingQueue<>();
        volatile boolean killed;
        volatile String ownerToken;
        State state = State.RUNNING;

        Invocation(int number, Kind kind, String key, Instant now, Duration timeout, Invocation admission) {
            this.number = number;
            this.kind = kind;
            this.key = key;
            this.admission = admission;
            this.deadline = kind == Kind.WORKER || kind == Kind.ADMIT ? null : now.plus(timeout);
            this.leaseEnd = switch (kind) {
                case LAMBDA, RESUME -> deadline;
                case LAMBDA_NO_CONTEXT -> now.plus(LAMBDA_MAXIMUM);
                case WORKER -> now.plus(WORKER_LEASE);
                case ADMIT -> now.plus(ADMISSION_LEASE);
            };
            this.ownerToken = admission == null ? null : admission.ownerToken;
            this.value = "result-of-#" + number;
            this.userError = new IllegalStateException("operation of #" + number + " failed");
        }

        @Override
        public String toString() {
            return "#" + number;
        }
    }

    private final MutableClock clock = MutableClock.start();
    private final Instant start = clock.instant();
    private final ModelBackend backend;
    private final FaultyStore store;
    private final IdempotentOperation<String> lambda;
    private final IdempotentOperation<String> worker;
    private final Map<String, String> ids = new LinkedHashMap<>();
    private final Map<String, ModelRecord> model = new LinkedHashMap<>();
    private final List<Invocation> invocations = new ArrayList<>();
    private final List<String> history = new ArrayList<>();
    private final java.util.Set<String> coverage = new java.util.TreeSet<>();

    ProtocolRun(ModelBackend backend, boolean localCache) {
        this.backend = backend;
        this.store = new FaultyStore(backend);
        IdempotencyConfig.Builder config = IdempotencyConfig.builder(Map.of()).functionName(backend.functionName())
                .clock(clock).recordTtl(TTL).localCacheSize(localCache ? 16 : 0);
        this.lambda = Idempotency.builder().store(store).metrics(IdempotencyMetricsSink.NONE)
                .config(config.build()).build().operation("op", String.class);
        this.worker = Idempotency.builder().store(store).metrics(IdempotencyMetricsSink.NONE)
                .config(config.inProgressLease(WORKER_LEASE).build()).build().operation("op", String.class);
        for (String key : KEYS) {
            ids.put(key, backend.functionName() + "#@op#" + sha256("\"" + key + "\""));
        }
        history.add("(" + backend + ", local cache " + (localCache ? "on" : "off") + ", TTL " + minutes(TTL)
                + ", worker lease " + minutes(WORKER_LEASE) + ")");
    }

    /** The interesting situations this run reached (reported as jqwik statistics). */
    java.util.Set<String> coverage() {
        return coverage;
    }

    /** The {@code rank}-th oldest invocation still running on {@code key}. */
    Optional<Invocation> runningOn(String key, int rank) {
        return running().stream().filter(i -> i.key.equals(key)).skip(rank).findFirst();
    }

    List<Invocation> running() {
        return invocations.stream().filter(i -> i.state == State.RUNNING).toList();
    }

    // ---------------------------------------------------------------- steps

    void start(Kind kind, String key, Duration timeout) {
        Invocation invocation = new Invocation(invocations.size() + 1, kind, key, clock.instant(), timeout, null);
        invocations.add(invocation);
        ModelRecord before = model.get(key);
        THREADS.execute(() -> run(invocation, timeout));
        Object first = next(invocation);
        List<Object> log = store.drain();
        String step = "start " + invocation + " " + kind + " on " + key
                + (kind == Kind.WORKER || kind == Kind.ADMIT ? "" : " (function timeout " + minutes(timeout) + ")");
        if (first instanceof Returned admitted && admitted.value() instanceof Admission.Claimed<?> claimed) {
            invocation.state = State.DONE;
            history.add(step + " -> admitted, claim " + claimed.claimToken() + " until " + claimed.leaseExpiresAt());
            coverage.add(before == null ? "admitted" : "admitted after the key was freed");
            if (!freeInModel(before)) {
                fail(invocation + " was admitted (claimed " + key + ") while the model holds: " + before);
            }
            if (!claimed.claimToken().equals(invocation.ownerToken)
                    || !claimed.leaseExpiresAt().equals(invocation.leaseEnd)) {
                fail(invocation + "'s admission " + claimed + " is not the claim it wrote (owner "
                        + invocation.ownerToken + " until " + invocation.leaseEnd + ")");
            }
        } else if (first instanceof Entered) {
            history.add(step + " -> runs the operation");
            if (before != null) {
                coverage.add(before.status() == RecordStatus.IN_PROGRESS ? "takeover of a lapsed claim"
                        : "runs again after the TTL");
            }
            if (!freeInModel(before)) {
                fail(invocation + " ran the operation on " + key + " while the model holds: " + before);
            }
        } else {
            Returned returned = recorded((Returned) first);
            invocation.state = State.DONE;
            history.add(step + " -> " + describe(returned));
            checkRefusal(invocation, before, returned, log);
            if (before != null && freeInModel(before) && log.stream().noneMatch(e -> e instanceof Injected i
                    && i.by() == invocation)) {
                fail(invocation + " did not run on " + key + " although its record had "
                        + (before.status() == RecordStatus.COMPLETED ? "expired" : "lapsed") + " by now ("
                        + clock.instant() + "): " + before);
            }
        }
        apply(log);
        checkStore();
    }

    /**
     * A worker resumes the {@code rank}-th latest admission on {@code key} (whatever became of it: resumed before,
     * lapsed, taken over, completed). Nothing when there is no such admission.
     */
    void resume(String key, int rank, Duration timeout) {
        List<Invocation> admissions = invocations.stream().filter(i -> i.kind == Kind.ADMIT && i.key.equals(key)
                && i.ownerToken != null && i.state == State.DONE).toList();
        if (admissions.size() <= rank) {
            history.add("resume admission " + rank + " on " + key + " -> no such admission");
            return;
        }
        Invocation admission = admissions.get(admissions.size() - 1 - rank);
        Invocation invocation = new Invocation(invocations.size() + 1, Kind.RESUME, key, clock.instant(), timeout,
                admission);
        List<Invocation> earlier = invocations.stream().filter(i -> i.admission == admission).toList();
        invocations.add(invocation);
        ModelRecord before = model.get(key);
        Optional<IdempotencyRecord> stored = backend.read(ids.get(key));
        THREADS.execute(() -> run(invocation, timeout));
        Object first = next(invocation);
        List<Object> log = store.drain();
        String step = "resume " + invocation + " of " + admission + "'s admission on " + key + " (function timeout "
                + minutes(timeout) + ")";
        boolean holds = before != null && before.status() == RecordStatus.IN_PROGRESS
                && admission.ownerToken.equals(before.owner().ownerToken);
        boolean live = stored.isPresent()
                && stored.get().expiresAt().getEpochSecond() >= clock.instant().getEpochSecond();
        if (first instanceof Entered) {
            history.add(step + " -> runs the operation");
            coverage.add(earlier.isEmpty() ? "resumed" : "resumed again after a crashed delivery");
            if (!holds || !live) {
                fail(invocation + " ran " + admission + "'s admission on " + key + ", whose claim the model says is "
                        + "gone: " + (before == null ? "no record" : before));
            }
            Optional<Invocation> running = earlier.stream().filter(i -> i.state == State.RUNNING).findFirst();
            if (running.isPresent() || admission.settled) {
                fail(invocation + " ran " + admission + "'s admission a second time: "
                        + running.map(i -> i + " still runs it").orElse("an earlier delivery returned from it"));
            }
        } else {
            Returned returned = recorded((Returned) first);
            invocation.state = State.DONE;
            history.add(step + " -> " + describe(returned) + faults(log));
            checkResumeRefusal(invocation, before, returned, log, !earlier.isEmpty());
            boolean faulted = log.stream().anyMatch(e -> e instanceof Injected i && i.by() == invocation);
            if (holds && earlier.isEmpty() && live && !faulted) {
                fail(invocation + ", the first delivery of " + admission + "'s admission, ran nothing although the "
                        + "claim is still its own: " + before);
            }
        }
        apply(log);
        checkStore();
    }

    private void checkResumeRefusal(Invocation invocation, ModelRecord before, Returned returned, List<Object> log,
            boolean duplicate) {
        Throwable error = returned.error();
        coverage.add("resume refused: " + (error == null ? "replay" : error.getClass().getSimpleName()));
        if (error instanceof IdempotencyClaimLostException) {
            if (before != null && !expiredInModel(before, clock.instant())) {
                fail(invocation + " found its claim gone (claim lost) but the model holds: " + before);
            }
        } else if (error instanceof IdempotencyInProgressException) {
            boolean another = before != null && before.status() == RecordStatus.IN_PROGRESS
                    && !before.owner().ownerToken.equals(invocation.ownerToken);
            if (!duplicate && !another) {
                fail(invocation + " was refused as in progress, but it is the first delivery and the model holds: "
                        + (before == null ? "no record" : before));
            }
        } else {
            checkRefusal(invocation, before, returned, log);
        }
    }

    /** An admission that replays a recorded result: its result, as a replay of a start. */
    private static Returned recorded(Returned returned) {
        return returned.value() instanceof Admission.Recorded<?> recorded
                ? new Returned(recorded.execution().result(), null) : returned;
    }

    void finish(Invocation invocation) {
        ModelRecord before = model.get(invocation.key);
        Returned returned = instruct(invocation, Instruction.FINISH);
        settle(invocation);
        List<Object> log = store.drain();
        history.add("finish " + invocation + " -> " + describe(returned) + faults(log));
        if (before == null && returned.error() == null) {
            coverage.add("finish after its record was swept");
        }
        if (returned.error() == null) {
            if (!invocation.value.equals(returned.value())) {
                fail(invocation + " returned " + returned.value() + " instead of its own result");
            }
            boolean recorded = log.stream().anyMatch(e -> e instanceof Applied a && a.by() == invocation
                    && a.call() == Call.COMPLETE);
            boolean faulted = log.stream().anyMatch(e -> e instanceof Injected i && i.by() == invocation
                    && i.call() == Call.COMPLETE);
            if (!recorded && !faulted) {
                fail(invocation + " returned its result without recording it, and the store never failed");
            }
        } else if (returned.error() instanceof IdempotencyClaimLostException) {
            coverage.add("late finish fenced off (claim lost)");
            if (before == null || before.owner() == invocation) {
                fail(invocation + "'s finished result was discarded (claim lost) although no other invocation "
                        + "held " + invocation.key + "; the model holds: " + (before == null ? "no record" : before));
            }
        } else {
            fail(invocation + " finished but its caller got " + returned.error());
        }
        apply(log);
        checkStore();
    }

    void throwIn(Invocation invocation) {
        Returned returned = instruct(invocation, Instruction.THROW);
        settle(invocation);
        List<Object> log = store.drain();
        history.add("throw in " + invocation + " -> " + describe(returned) + faults(log));
        if (returned.error() != invocation.userError) {
            fail(invocation + "'s own exception did not reach its caller unchanged: " + returned.error());
        }
        apply(log);
        checkStore();
    }

    private static void settle(Invocation invocation) {
        if (invocation.admission != null) {
            invocation.admission.settled = true;
        }
    }

    void crash(Invocation invocation) {
        kill(invocation, "crash ");
        checkStore();
    }

    void advance(Duration step) {
        clock.advance(step);
        history.add("advance the clock " + minutes(step) + " (now T+" + minutes(Duration.between(start,
                clock.instant())) + ")");
        for (Invocation invocation : running()) {
            if (invocation.deadline != null && !invocation.deadline.isAfter(clock.instant())) {
                kill(invocation, "  Lambda times out ");
                coverage.add("killed at its Lambda timeout");
            }
        }
        checkStore();
    }

    /** Moves the clock exactly to {@code boundary} of {@code key}'s record; nothing when that is not ahead. */
    void advanceTo(String key, Boundary boundary) {
        ModelRecord record = model.get(key);
        Instant target = record == null ? null : boundary(record, boundary);
        if (target == null || !target.isAfter(clock.instant())) {
            history.add("advance the clock to " + boundary + " of " + key + " -> nothing to do ("
                    + (record == null ? "no record" : record) + ")");
            return;
        }
        coverage.add("clock at " + boundary);
        history.add("advance the clock to " + boundary + " of " + key + " (" + record + ")");
        advance(Duration.between(clock.instant(), target));
    }

    private static Instant boundary(ModelRecord record, Boundary boundary) {
        boolean inProgress = record.status() == RecordStatus.IN_PROGRESS;
        return switch (boundary) {
            case LEASE_END -> inProgress ? record.owner().leaseEnd : null;
            case LEASE_LAPSED -> inProgress ? record.owner().leaseEnd.plusMillis(1) : null;
            case TTL_END -> inProgress ? null : record.completedAt().plus(TTL);
            case LAST_REPLAY -> inProgress ? null : replayEnd(record).minusMillis(1);
            case RUNS_AGAIN -> inProgress ? null : replayEnd(record);
        };
    }

    void sweep() {
        Instant now = clock.instant();
        List<String> deleted = backend.sweep(List.copyOf(ids.values()), now);
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, String> id : ids.entrySet()) {
            if (!deleted.contains(id.getValue())) {
                continue;
            }
            keys.add(id.getKey());
            ModelRecord swept = model.remove(id.getKey());
            if (swept == null || !expiredInModel(swept, now)) {
                fail("the TTL sweeper deleted " + id.getKey() + ", which had not expired: "
                        + (swept == null ? "the model holds no record" : swept));
            }
        }
        history.add("TTL sweeper runs -> deletes " + (keys.isEmpty() ? "nothing" : String.join(", ", keys)));
        checkStore();
    }

    void arm(Call call, FaultyStore.Fault fault, int times) {
        store.arm(call, fault, times);
        history.add("store: the next " + (times == 1 ? "" : times + " ") + call + " call" + (times == 1 ? "" : "s")
                + " " + (times == 1 ? "hits " : "hit ") + fault);
    }

    @Override
    public void close() {
        for (Invocation invocation : running()) {
            invocation.killed = true;
            invocation.instructions.add(Instruction.KILL);
            try {
                invocation.events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            invocation.state = State.DONE;
        }
    }

    // ---------------------------------------------------------------- the invocation side

    private void run(Invocation invocation, Duration timeout) {
        FaultyStore.CURRENT.set(invocation);
        try {
            IdempotentOperation.Action<String, RuntimeException> action = () -> {
                invocation.events.add(new Entered());
                Instruction instruction = take(invocation);
                return switch (instruction) {
                    case FINISH -> invocation.value;
                    case THROW -> throw invocation.userError;
                    case KILL -> throw new Killed();
                };
            };
            String value = switch (invocation.kind) {
                case LAMBDA -> lambda.call(invocation.key, null, TestLambdaContext.remaining(clock, timeout),
                        action);
                case LAMBDA_NO_CONTEXT -> lambda.call(invocation.key, action);
                case WORKER -> worker.call(invocation.key, action);
                case RESUME -> lambda.resume(invocation.key, null, invocation.ownerToken,
                        TestLambdaContext.remaining(clock, timeout), action).result();
                case ADMIT -> null;
            };
            invocation.events.add(new Returned(invocation.kind == Kind.ADMIT
                    ? lambda.admit(invocation.key, null, ADMISSION_LEASE) : value, null));
        } catch (Throwable t) {
            invocation.events.add(new Returned(null, t));
        } finally {
            FaultyStore.CURRENT.remove();
        }
    }

    private static Instruction take(Invocation invocation) {
        try {
            Instruction instruction = invocation.instructions.poll(10 * WAIT_SECONDS, TimeUnit.SECONDS);
            return instruction == null ? Instruction.KILL : instruction;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Instruction.KILL;
        }
    }

    // ---------------------------------------------------------------- the test side

    private Object next(Invocation invocation) {
        try {
            Object event = invocation.events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (event == null) {
                fail(invocation + " neither entered its operation nor returned within " + WAIT_SECONDS + " s");
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private Returned instruct(Invocation invocation, Instruction instruction) {
        invocation.instructions.add(instruction);
        Object event = next(invocation);
        invocation.state = State.DONE;
        if (!(event instanceof Returned returned)) {
            throw fail(invocation + " entered its operation twice");
        }
        return returned;
    }

    private void kill(Invocation invocation, String step) {
        invocation.killed = true;
        Returned returned = instruct(invocation, Instruction.KILL);
        List<Object> log = store.drain();
        history.add(step + invocation + " -> it dies with its claim held");
        if (!(returned.error() instanceof Killed)) {
            fail(invocation + " was killed but its caller got " + describe(returned));
        }
        if (!log.isEmpty()) {
            fail("a killed invocation reached the store: " + log);
        }
    }

    private void checkRefusal(Invocation invocation, ModelRecord before, Returned returned, List<Object> log) {
        Throwable error = returned.error();
        Instant now = clock.instant();
        coverage.add(error == null ? "replay" : "refused: " + error.getClass().getSimpleName());
        if (error == null) {
            if (before == null || before.status() != RecordStatus.COMPLETED || before.result() == null
                    || !before.result().equals(returned.value())) {
                fail(invocation + " replayed " + returned.value() + " but the model holds: "
                        + (before == null ? "no record" : before));
            }
        } else if (error instanceof IdempotencyInProgressException) {
            if (before == null || before.status() != RecordStatus.IN_PROGRESS || now.isAfter(before.owner.leaseEnd)) {
                fail(invocation + " was refused as in progress but the model holds: "
                        + (before == null ? "no record" : before));
            }
        } else if (error instanceof IdempotencyResultUnavailableException) {
            if (before == null || before.status() != RecordStatus.COMPLETED || before.result() != null) {
                fail(invocation + " got 'result unavailable' but the model holds: "
                        + (before == null ? "no record" : before));
            }
        } else if (error instanceof IdempotencyStoreException) {
            if (log.stream().noneMatch(e -> e instanceof Injected i && i.by() == invocation
                    && (i.call() == Call.CLAIM || i.call() == Call.RENEW))) {
                fail(invocation + " got a store error although its claim met no fault: " + error);
            }
        } else {
            fail(invocation + "'s caller got " + error);
        }
    }

    /** Follows the store through the calls it applied. */
    private void apply(List<Object> log) {
        for (Object entry : log) {
            if (!(entry instanceof Applied applied)) {
                continue;
            }
            Invocation by = applied.by();
            switch (applied.call()) {
                case CLAIM -> model.put(by.key, new ModelRecord(RecordStatus.IN_PROGRESS, by, null, null));
                case COMPLETE -> {
                    ModelRecord current = model.get(by.key);
                    if (current != null && current.status() == RecordStatus.COMPLETED && current.owner() == by) {
                        break; // a retried completion of its own: the store keeps the first
                    }
                    StoredResult result = applied.written().result();
                    String json = result instanceof StoredResult.Inline inline ? inline.json() : null;
                    if (result instanceof StoredResult.Offloaded || json != null && !json.equals(
                            "\"" + by.value + "\"")) {
                        fail(by + " recorded " + result + " instead of its own result " + by.value);
                    }
                    model.put(by.key, new ModelRecord(RecordStatus.COMPLETED, by, clock.instant(),
                            json == null ? null : by.value));
                }
                case RELEASE -> {
                    if (applied.deleted()) {
                        model.remove(by.key);
                    }
                }
                case RENEW -> {
                    ModelRecord current = model.get(by.key);
                    if (current == null || current.status() != RecordStatus.IN_PROGRESS
                            || !current.owner().ownerToken.equals(by.ownerToken)) {
                        fail(by + " renewed a claim the model says is not its own: "
                                + (current == null ? "no record" : current));
                    }
                    Instant kept = current.owner().leaseEnd;
                    Instant want = kept.isAfter(by.deadline) ? kept : by.deadline;
                    if (!applied.written().inProgressExpiresAt().equals(want)) {
                        fail(by + "'s renewal holds until " + applied.written().inProgressExpiresAt() + "; it must "
                                + "hold until " + want + " (its deadline, or the later lease it renewed)");
                    }
                    by.leaseEnd = want;
                    model.put(by.key, new ModelRecord(RecordStatus.IN_PROGRESS, by, null, null));
                }
            }
        }
    }

    /** The store holds exactly the model's records, with the expiries the protocol promises. */
    void checkStore() {
        List<String> violations = store.violations();
        if (!violations.isEmpty()) {
            fail(String.join("; ", violations));
        }
        for (Map.Entry<String, String> id : ids.entrySet()) {
            String key = id.getKey();
            ModelRecord expected = model.get(key);
            Optional<IdempotencyRecord> stored = backend.read(id.getValue());
            if (expected == null) {
                if (stored.isPresent()) {
                    fail("the store holds " + stored.get() + " for " + key + " where the model has no record");
                }
                continue;
            }
            if (stored.isEmpty()) {
                fail("the store lost the record of " + key + ": " + expected);
            }
            IdempotencyRecord actual = stored.get();
            if (actual.status() != expected.status() || !actual.ownerToken().equals(expected.owner().ownerToken)) {
                fail("the store holds " + actual.status() + " by owner " + actual.ownerToken() + " for " + key
                        + "; the model: " + expected);
            }
            if (actual.status() == RecordStatus.IN_PROGRESS) {
                Invocation owner = expected.owner();
                if (!actual.inProgressExpiresAt().equals(owner.leaseEnd)) {
                    fail("the claim of " + owner + " (" + owner.kind + ") lasts until " + actual.inProgressExpiresAt()
                            + "; it must last until " + owner.leaseEnd + " (" + leaseRule(owner.kind) + ")");
                }
                if (actual.expiresAt().isAfter(actual.inProgressExpiresAt().plus(TTL))
                        || actual.expiresAt().getEpochSecond() < actual.inProgressExpiresAt().getEpochSecond()) {
                    fail("the in-progress record of " + key + " expires at " + actual.expiresAt()
                            + ", outside [its lease " + actual.inProgressExpiresAt() + ", lease + TTL]");
                }
            } else {
                Instant due = expected.completedAt().plus(TTL);
                if (actual.expiresAt().getEpochSecond() != due.getEpochSecond()) {
                    fail("the result of " + expected.owner() + ", recorded at " + expected.completedAt()
                            + ", expires at " + actual.expiresAt() + ": not in the second of its TTL from completion ("
                            + due + ")");
                }
                StoredResult want = expected.result() == null ? null
                        : new StoredResult.Inline("\"" + expected.result() + "\"");
                if (want != null ? !want.equals(actual.result())
                        : !(actual.result() instanceof StoredResult.Unavailable)) {
                    fail("the store holds " + actual.result() + " for " + key + "; the model: " + expected);
                }
            }
        }
    }

    private static String leaseRule(Kind kind) {
        return switch (kind) {
            case LAMBDA -> "the invocation's deadline";
            case LAMBDA_NO_CONTEXT -> "no Context: Lambda's 15-minute maximum";
            case WORKER -> "the worker's configured lease";
            case ADMIT -> "the admission's lease";
            case RESUME -> "the resuming worker's deadline, or the later lease it renewed";
        };
    }

    private boolean freeInModel(ModelRecord record) {
        return record == null || expiredInModel(record, clock.instant())
                || record.status() == RecordStatus.IN_PROGRESS && clock.instant().isAfter(record.owner().leaseEnd);
    }

    /**
     * A completed record is replayed before this instant and has expired from it on: the stores keep its expiry in
     * epoch seconds (the second of completion + TTL) and free it once that second is before now's.
     */
    private static Instant replayEnd(ModelRecord record) {
        return record.completedAt().plus(TTL).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    }

    private static boolean expiredInModel(ModelRecord record, Instant now) {
        return record.status() == RecordStatus.COMPLETED ? !now.isBefore(replayEnd(record))
                : now.isAfter(record.owner().leaseEnd);
    }

    private AssertionError fail(String violation) {
        StringBuilder message = new StringBuilder(violation).append("\n  steps:");
        for (String step : history) {
            message.append("\n    ").append(step);
        }
        throw new AssertionError(message.toString());
    }

    private static String describe(Returned returned) {
        if (returned.error() == null) {
            return "returns " + returned.value();
        }
        Throwable error = returned.error();
        String name = error.getClass().getSimpleName();
        if (error instanceof IdempotencyInProgressException inProgress) {
            return name + " (claim until " + inProgress.claimExpiresAt() + ")";
        }
        return error instanceof Killed ? "killed" : name;
    }

    private static String faults(List<Object> log) {
        List<String> faults = log.stream().filter(Injected.class::isInstance).map(Injected.class::cast)
                .map(i -> i.call() + " " + i.fault()).toList();
        return faults.isEmpty() ? "" : " [injected: " + String.join(", ", faults) + "]";
    }

    static String minutes(Duration duration) {
        if (duration.toMillis() % 1000 != 0) {
            return duration.toMillis() + "ms";
        }
        long seconds = duration.toSeconds();
        return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
