package dev.lambdaidempotency.model;

import dev.lambdaidempotency.IdempotencyClaimLostException;
import dev.lambdaidempotency.IdempotencyStoreException;
import dev.lambdaidempotency.spi.ClaimResult;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.spi.RenewResult;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The store as the model sees it: every call is made by one logical invocation (the calling thread's), may hit an
 * armed fault, and is logged with whether it was applied, so the model can follow what the store holds without
 * trusting the engine. It also refuses every call of a killed invocation (a crashed process writes nothing) and
 * checks the fence: no completion or release may change a record another owner holds.
 */
final class FaultyStore implements IdempotencyStore {
    /** Which store call. */
    enum Call {
        CLAIM, COMPLETE, RELEASE, RENEW
    }

    /** What goes wrong with it. */
    enum Fault {
        /** The request is lost before the store applies it (connection refused, time-out before sending). */
        LOST_BEFORE_APPLY,
        /** The store applies the request, then the response is lost (connection reset, time-out after apply). */
        LOST_AFTER_APPLY,
        /** The store refuses the request for throughput; nothing is applied. */
        THROTTLED
    }

    /**
     * A call the store applied: a claim, completion or renewal it wrote (a renewal: the claim with the lease the
     * store now holds), or a release (deleted: whether a record went).
     */
    record Applied(ProtocolRun.Invocation by, Call call, IdempotencyRecord written, boolean deleted) {
    }

    /** A fault injected into a call of {@code by}. */
    record Injected(ProtocolRun.Invocation by, Call call, Fault fault) {
    }

    /** Thrown into a killed invocation's thread: not an exception the engine handles. */
    static final class Killed extends Error {
        private static final long serialVersionUID = 1L;

        Killed() {
            super("killed (process crash or Lambda timeout)", null, false, false);
        }
    }

    static final ThreadLocal<ProtocolRun.Invocation> CURRENT = new ThreadLocal<>();

    private final IdempotencyStore delegate;
    private final ModelBackend backend;
    private final List<Object> log = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private Call armedCall;
    private Fault armedFault;
    private int armedTimes;

    FaultyStore(ModelBackend backend) {
        this.delegate = backend.store();
        this.backend = backend;
    }

    synchronized void arm(Call call, Fault fault, int times) {
        armedCall = call;
        armedFault = fault;
        armedTimes = times;
    }

    /** The calls logged since the last drain. */
    synchronized List<Object> drain() {
        List<Object> drained = List.copyOf(log);
        log.clear();
        return drained;
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    private synchronized Fault take(ProtocolRun.Invocation by, Call call) {
        if (armedTimes <= 0 || armedCall != call) {
            return null;
        }
        armedTimes--;
        log.add(new Injected(by, call, armedFault));
        return armedFault;
    }

    private synchronized void logged(Object entry) {
        log.add(entry);
    }

    private synchronized void violation(String what) {
        violations.add(what);
    }

    private static ProtocolRun.Invocation caller() {
        ProtocolRun.Invocation by = CURRENT.get();
        if (by == null) {
            throw new IllegalStateException("a store call outside a model invocation");
        }
        if (by.killed) {
            throw new Killed();
        }
        return by;
    }

    private static IdempotencyStoreException failure(Fault fault, Call call, String id) {
        IOException cause = fault == Fault.THROTTLED ? new IOException("injected: ThrottlingException")
                : new SocketTimeoutException("injected: " + fault);
        return new IdempotencyStoreException("injected " + fault + " on " + call + " of " + id, id, true, cause);
    }

    /**
     * The records of deferred execution's hand-overs (one per claim token, beside the key's record) are not the
     * model's: their calls pass straight through, never faulted nor logged.
     */
    private static boolean handOver(String id) {
        return id.contains("#@@handover");
    }

    @Override
    public ClaimResult claim(IdempotencyRecord claim, java.time.Instant now) {
        ProtocolRun.Invocation by = caller();
        if (handOver(claim.id())) {
            return delegate.claim(claim, now);
        }
        by.ownerToken = claim.ownerToken();
        Fault fault = take(by, Call.CLAIM);
        if (fault != null && fault != Fault.LOST_AFTER_APPLY) {
            throw failure(fault, Call.CLAIM, claim.id());
        }
        ClaimResult result = delegate.claim(claim, now);
        if (result instanceof ClaimResult.Claimed) {
            logged(new Applied(by, Call.CLAIM, claim, false));
        }
        if (fault != null) {
            throw failure(fault, Call.CLAIM, claim.id());
        }
        return result;
    }

    @Override
    public void complete(IdempotencyRecord completed) {
        ProtocolRun.Invocation by = caller();
        if (handOver(completed.id())) {
            delegate.complete(completed);
            return;
        }
        Fault fault = take(by, Call.COMPLETE);
        if (fault != null && fault != Fault.LOST_AFTER_APPLY) {
            throw failure(fault, Call.COMPLETE, completed.id());
        }
        Optional<IdempotencyRecord> before = backend.read(completed.id());
        try {
            delegate.complete(completed);
        } catch (IdempotencyClaimLostException fenced) {
            checkUntouched(before, completed.id(), "a refused completion");
            throw fenced;
        }
        if (before.isPresent() && !before.get().ownerToken().equals(completed.ownerToken())) {
            violation("the completion of " + by + " overwrote the record of another owner: " + before.get());
        }
        logged(new Applied(by, Call.COMPLETE, completed, false));
        if (fault != null) {
            throw failure(fault, Call.COMPLETE, completed.id());
        }
    }

    @Override
    public void release(String id, String ownerToken) {
        ProtocolRun.Invocation by = caller();
        if (handOver(id)) {
            delegate.release(id, ownerToken);
            return;
        }
        Fault fault = take(by, Call.RELEASE);
        if (fault != null && fault != Fault.LOST_AFTER_APPLY) {
            throw failure(fault, Call.RELEASE, id);
        }
        Optional<IdempotencyRecord> before = backend.read(id);
        try {
            delegate.release(id, ownerToken);
        } catch (IdempotencyClaimLostException fenced) {
            checkUntouched(before, id, "a refused release");
            throw fenced;
        }
        if (before.isPresent() && !before.get().ownerToken().equals(ownerToken)) {
            violation("the release of " + by + " deleted the record of another owner: " + before.get());
        }
        logged(new Applied(by, Call.RELEASE, null, before.isPresent()));
        if (fault != null) {
            throw failure(fault, Call.RELEASE, id);
        }
    }

    @Override
    public RenewResult renew(IdempotencyRecord claim, java.time.Instant now) {
        ProtocolRun.Invocation by = caller();
        Fault fault = take(by, Call.RENEW);
        if (fault != null && fault != Fault.LOST_AFTER_APPLY) {
            throw failure(fault, Call.RENEW, claim.id());
        }
        Optional<IdempotencyRecord> before = backend.read(claim.id());
        RenewResult result = delegate.renew(claim, now);
        if (result instanceof RenewResult.Renewed renewed) {
            if (before.isEmpty() || !before.get().ownerToken().equals(claim.ownerToken())) {
                violation("the renewal of " + by + " renewed a claim it does not hold: " + before.orElse(null));
            }
            logged(new Applied(by, Call.RENEW, new IdempotencyRecord(claim.id(), claim.status(), claim.expiresAt(),
                    renewed.leaseExpiresAt(), claim.payloadHash(), claim.ownerToken(), null), false));
        } else {
            checkUntouched(before, claim.id(), "a refused renewal");
        }
        if (fault != null) {
            throw failure(fault, Call.RENEW, claim.id());
        }
        return result;
    }

    private void checkUntouched(Optional<IdempotencyRecord> before, String id, String what) {
        Optional<IdempotencyRecord> after = backend.read(id);
        if (!before.equals(after)) {
            violation(what + " changed the record: " + before.orElse(null) + " -> " + after.orElse(null));
        }
    }

    @Override
    public int maxInlineResultBytes() {
        return delegate.maxInlineResultBytes();
    }
}
