package dev.lambdaidempotency.internal;

import com.amazonaws.services.lambda.runtime.Context;
import dev.lambdaidempotency.Admission;
import dev.lambdaidempotency.IdempotencyClaimLostException;
import dev.lambdaidempotency.Execution;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyException;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.IdempotencyPayloadMismatchException;
import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.IdempotencyStoreException;
import dev.lambdaidempotency.NotRecordedException;
import dev.lambdaidempotency.spi.ClaimResult;
import dev.lambdaidempotency.spi.IdempotencyMetricsSink;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.spi.IdempotencyTracer;
import dev.lambdaidempotency.spi.IdempotencyTracer.TraceSpan;
import dev.lambdaidempotency.spi.InvocationMetrics;
import dev.lambdaidempotency.spi.InvocationMetrics.Outcome;
import dev.lambdaidempotency.spi.RecordId;
import dev.lambdaidempotency.spi.RecordStatus;
import dev.lambdaidempotency.spi.RenewResult;
import dev.lambdaidempotency.spi.ResultCodec;
import dev.lambdaidempotency.spi.ResultPointer;
import dev.lambdaidempotency.spi.ResultStore;
import dev.lambdaidempotency.spi.StoredResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The protocol: claim, process, then record (or release if the operation threw); or replay. One instance serves every
 * invocation of an {@code Idempotency}; it holds no per-invocation state and is thread-safe.
 */
public final class IdempotencyEngine {
    private static final System.Logger LOG = new LazyLogger("dev.lambdaidempotency");

    private final IdempotencyConfig config;
    private final IdempotencyStore store;
    private final ResultStore resultStore;
    private final IdempotencyTracer tracer;
    private final IdempotencyMetricsSink metrics;
    private final LocalCache cache;
    private final int maxInlineBytes;

    /**
     * @param config      settings
     * @param store       the record store
     * @param resultStore where large results go, or {@code null} for none
     * @param tracer      lifecycle tracer
     * @param metrics     per-invocation metrics sink
     */
    public IdempotencyEngine(IdempotencyConfig config, IdempotencyStore store, ResultStore resultStore,
            IdempotencyTracer tracer, IdempotencyMetricsSink metrics) {
        this.config = Objects.requireNonNull(config, "config");
        this.store = Objects.requireNonNull(store, "store");
        this.resultStore = resultStore;
        this.tracer = Objects.requireNonNull(tracer, "tracer");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.cache = new LocalCache(config.localCacheSize());
        this.maxInlineBytes = store.maxInlineResultBytes();
    }

    /** The operation under idempotency; may throw anything, which reaches the caller unchanged. */
    @FunctionalInterface
    public interface Action<T> {
        /**
         * Runs the operation.
         *
         * @return its result
         * @throws Throwable whatever the operation throws
         */
        T run() throws Throwable;
    }

    /**
     * Runs {@code action} at most once per record id within the record's validity, replaying its stored result to
     * every repeat.
     *
     * @param scope       metric/trace label of the caller (function name, or function and operation name)
     * @param recordId    the record id
     * @param payloadHash hash of the validated payload, or {@code null}
     * @param context     the Lambda context, or {@code null} outside Lambda (the lease applies)
     * @param codec       result (de)serialization
     * @param action      the operation
     * @param <T>         the result type
     * @return the live or replayed result, and which it is
     */
    public <T> Execution<T> execute(String scope, RecordId recordId, String payloadHash, Context context,
            ResultCodec.Binding<T> codec, Action<T> action) {
        return execute(scope, recordId, payloadHash, context, codec, null, action);
    }

    /**
     * {@link #execute(String, RecordId, String, Context, ResultCodec.Binding, Action)}, recording the result as
     * {@code redactor} redacts it (the live result is returned as it is).
     *
     * @param scope       metric/trace label of the caller
     * @param recordId    the record id
     * @param payloadHash hash of the validated payload, or {@code null}
     * @param context     the Lambda context, or {@code null} outside Lambda
     * @param codec       result (de)serialization
     * @param redactor    what is removed before the result is recorded, or {@code null} for nothing
     * @param action      the operation
     * @param <T>         the result type
     * @return the live or replayed result, and which it is
     */
    public <T> Execution<T> execute(String scope, RecordId recordId, String payloadHash, Context context,
            ResultCodec.Binding<T> codec, ResultRedactor<T> redactor, Action<T> action) {
        return new Invocation<>(scope, recordId, payloadHash, codec, redactor).run(context, action);
    }

    /**
     * Claims the record for an execution that runs later (see {@link #resume}), or replays the recorded one.
     *
     * @param scope       metric/trace label
     * @param recordId    the record id
     * @param payloadHash hash of the validated payload, or {@code null}
     * @param lease       how long the claim holds before another invocation may take it over
     * @param codec       result (de)serialization
     * @param <T>         the result type
     * @return the claim, or the recorded result (and where it was offloaded, if it was)
     */
    public <T> Admission<T> admit(String scope, RecordId recordId, String payloadHash, Duration lease,
            ResultCodec.Binding<T> codec) {
        Invocation<T> invocation = new Invocation<>(scope, recordId, payloadHash, codec, null);
        return invocation.traced(() -> invocation.admit(lease));
    }

    /**
     * Runs {@code action} under a claim that {@link #admit} returned (the owner token is the fence), then records its
     * result exactly as {@link #execute} does; a duplicate hand-over of the same claim does not run it again.
     *
     * @param scope       metric/trace label
     * @param recordId    the record id
     * @param payloadHash hash of the validated payload, or {@code null}
     * @param ownerToken  the admitted claim's token
     * @param context     the Lambda context of the invocation that runs the action, or {@code null}
     * @param codec       result (de)serialization
     * @param redactor    what is removed before the result is recorded, or {@code null} for nothing
     * @param action      the operation
     * @param <T>         the result type
     * @return the live result, or the recorded one when the claim had already completed
     */
    public <T> Execution<T> resume(String scope, RecordId recordId, String payloadHash, String ownerToken,
            Context context, ResultCodec.Binding<T> codec, ResultRedactor<T> redactor, Action<T> action) {
        Invocation<T> invocation = new Invocation<>(scope, recordId, payloadHash, codec, redactor);
        return invocation.traced(() -> invocation.resume(ownerToken, context, action));
    }

    /**
     * Runs {@code action} with no idempotency (an event without a key, under
     * {@link dev.lambdaidempotency.MissingKeyPolicy#RUN_WITHOUT_IDEMPOTENCY}), recording that it did.
     *
     * @param scope  metric label
     * @param action the operation
     * @param <T>    the result type
     * @return its result
     */
    public <T> Execution<T> executeWithoutKey(String scope, Action<T> action) {
        LOG.log(System.Logger.Level.WARNING, "no idempotency key in the event for {0}; running without "
                + "idempotency (missingKeyPolicy=RUN_WITHOUT_IDEMPOTENCY)", scope);
        try {
            return new Execution<>(action.run(), Execution.Kind.EXECUTED_WITHOUT_KEY, null);
        } catch (Throwable t) {
            throw Sneaky.rethrow(t);
        } finally {
            emit(new InvocationMetrics(scope, Outcome.NO_KEY, false, 0, 0, 0));
        }
    }

    private void emit(InvocationMetrics m) {
        try {
            metrics.record(m);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "metrics sink failed; metrics of this invocation dropped", e);
        }
    }

    /** Which latency a traced step adds to. */
    private enum Latency {
        STORE, RESULT_STORE, NONE
    }

    /** The body of a traced step; it may add metadata to its span. */
    @FunctionalInterface
    private interface StepBody<R> {
        R run(TraceSpan span) throws Throwable;
    }

    /**
     * The protocol for one invocation, each step once: <b>claim</b> the record; if another holds it, <b>replay</b>
     * (or refuse); else <b>process</b> the operation, then <b>record</b> its result, or <b>release</b> the claim if
     * it threw. Holds the invocation's outcome and latencies for the trace and metrics.
     */
    private final class Invocation<T> {
        private final String scope;
        private final RecordId id;
        private final String recordId;
        private final String payloadHash;
        private final ResultCodec.Binding<T> codec;
        private final ResultRedactor<T> redactor;
        private Outcome outcome = Outcome.ERROR;
        private boolean takeover;
        private long offloadedBytes;
        private long storeNanos;
        private long resultStoreNanos;

        Invocation(String scope, RecordId id, String payloadHash, ResultCodec.Binding<T> codec,
                ResultRedactor<T> redactor) {
            this.scope = scope;
            this.id = id;
            this.recordId = id.value();
            this.payloadHash = payloadHash;
            this.codec = codec;
            this.redactor = redactor;
        }

        Execution<T> run(Context context, Action<T> action) {
            return traced(() -> protocol(context, action));
        }

        /** Runs one entry point of the protocol in the invocation's span, then emits its metrics. */
        <R> R traced(Supplier<R> protocol) {
            TraceSpan span = tracer.start("idempotency");
            try {
                span.annotate("idempotency_key_hash", id.shortKeyHash(12));
                span.annotate("idempotency_scope", scope);
                return protocol.get();
            } finally {
                span.annotate("idempotency_outcome", outcome == null ? "admitted"
                        : outcome.name().toLowerCase(Locale.ROOT));
                span.metadata("store_latency_ms", storeNanos / 1e6);
                if (resultStoreNanos > 0) {
                    span.metadata("result_store_latency_ms", resultStoreNanos / 1e6);
                }
                span.close();
                if (outcome != null) {
                    emit(new InvocationMetrics(scope, outcome, takeover, offloadedBytes, storeNanos,
                            resultStoreNanos));
                }
            }
        }

        private Execution<T> protocol(Context context, Action<T> action) {
            Instant now = config.clock().instant();
            IdempotencyRecord cached = cache.get(recordId, now);
            if (cached != null) {
                return replay(cached, true);
            }
            IdempotencyRecord claim = newClaim(context, now);
            if (claim(claim, now) instanceof ClaimResult.Existing existing) {
                return replay(existing.existing(), false);
            }
            T value = process(claim, action);
            record(claim, value);
            outcome = Outcome.NEW;
            return new Execution<>(value, Execution.Kind.EXECUTED, null);
        }

        // ---------------------------------------------------------------- deferred execution: admit, then resume

        private Admission<T> admit(Duration lease) {
            Instant now = config.clock().instant();
            IdempotencyRecord cached = cache.get(recordId, now);
            if (cached != null) {
                return new Admission.Recorded<>(replay(cached, true), null);
            }
            IdempotencyRecord claim = newClaim(now.plus(lease), OwnerTokens.next(), now);
            if (claim(claim, now) instanceof ClaimResult.Existing existing) {
                Execution<T> replayed = replay(existing.existing(), false);
                return new Admission.Recorded<>(replayed, existing.existing().result()
                        instanceof StoredResult.Offloaded offloaded ? offloaded.pointer() : null);
            }
            outcome = null; // counted when the action runs (resume), not twice
            return new Admission.Claimed<>(claim.ownerToken(), claim.inProgressExpiresAt());
        }

        /**
         * The hand-over is taken first, on its own record: asynchronous deliveries are at least once, and every
         * duplicate carries the same owner token, so the token alone cannot tell them apart. Then the claim is renewed,
         * fenced by the token, to cover this worker until its deadline (a hand-over delivered late would otherwise run
         * past the admission's lease, and a repeat could claim the key and start a second worker): renewed, the action
         * runs; a completed record is replayed; another owner's claim is in progress; no record at all (released,
         * expired, or a token nobody issued) runs nothing.
         */
        private Execution<T> resume(String ownerToken, Context context, Action<T> action) {
            Instant now = config.clock().instant();
            Invocation<Boolean> handOver = new Invocation<>(scope, handOverId(ownerToken), null, null, null);
            IdempotencyRecord handOverClaim = handOver.newClaim(context, now);
            if (handOver.claim(handOverClaim, now) instanceof ClaimResult.Existing duplicate) {
                outcome = Outcome.IN_PROGRESS;
                throw new IdempotencyInProgressException(recordId, duplicate.existing().inProgressExpiresAt());
            }
            RenewResult renewal;
            try {
                renewal = renew(newClaim(inProgressExpiry(context, now), ownerToken, now), now);
            } catch (RuntimeException storeFailed) {
                handOver.releaseHandOver(handOverClaim, storeFailed); // nothing ran: a retry of it may run it
                throw storeFailed;
            }
            if (renewal instanceof RenewResult.Absent) {
                IdempotencyClaimLostException lost = new IdempotencyClaimLostException("the claim on " + recordId
                        + " is gone (released, expired, or never issued); the handed-over work was not run",
                        recordId);
                handOver.releaseHandOver(handOverClaim, lost);
                throw lost;
            }
            try {
                if (renewal instanceof RenewResult.Refused refused) {
                    return replay(refused.existing(), false);
                }
                IdempotencyRecord claim = newClaim(((RenewResult.Renewed) renewal).leaseExpiresAt(), ownerToken, now);
                T value = process(claim, action);
                record(claim, value);
                outcome = Outcome.NEW;
                return new Execution<>(value, Execution.Kind.EXECUTED, null);
            } finally {
                handOver.finishHandOver(handOverClaim);
            }
        }

        private RenewResult renew(IdempotencyRecord claim, Instant now) {
            // no release of an uncertain renewal (unlike a claim): the claim was ours before it, and stays ours
            return step("renew", Latency.STORE, span -> store.renew(claim, now));
        }

        private void releaseHandOver(IdempotencyRecord handOverClaim, RuntimeException failure) {
            try {
                store.release(handOverClaim.id(), handOverClaim.ownerToken());
            } catch (RuntimeException releaseFailure) {
                failure.addSuppressed(releaseFailure);
            }
        }

        private RecordId handOverId(String ownerToken) {
            // "@@" occurs in no operation or handler scope, so hand-over ids never collide with record ids
            return new RecordId(id.scope() + "#@@handover", CanonicalJson.sha256(
                    (id.keyHash() + ":" + ownerToken).getBytes(StandardCharsets.UTF_8)));
        }

        /** Completes a hand-over record (best effort): a later duplicate of it finds it done and stops. */
        private void finishHandOver(IdempotencyRecord handOverClaim) {
            try {
                // expires no earlier than the key's completed record (written before this, its TTL running from its
                // completion): while that record lives, a late duplicate finds this hand-over done; after, its
                // renewal finds no record and runs nothing
                Instant fromNow = config.clock().instant().plus(config.recordTtl());
                Instant expiry = fromNow.isAfter(handOverClaim.expiresAt()) ? fromNow : handOverClaim.expiresAt();
                store.complete(new IdempotencyRecord(handOverClaim.id(), RecordStatus.COMPLETED, expiry, null,
                        handOverClaim.payloadHash(), handOverClaim.ownerToken(), new StoredResult.Inline("true")));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "could not mark the hand-over {0} done; a duplicate of it is "
                        + "refused until its claim lapses at {1}", recordId, handOverClaim.inProgressExpiresAt());
            }
        }

        // ---------------------------------------------------------------- claim

        private IdempotencyRecord newClaim(Context context, Instant now) {
            return newClaim(inProgressExpiry(context, now), OwnerTokens.next(), now);
        }

        private IdempotencyRecord newClaim(Instant claimExpiry, String ownerToken, Instant now) {
            // while in progress, the record (and the table's TTL) must outlive the claim: an expired record may be
            // taken over even though its invocation is still running
            Instant ttlFromClaim = now.plus(config.recordTtl());
            Instant recordExpiry = ttlFromClaim.isBefore(claimExpiry) ? claimExpiry : ttlFromClaim;
            return new IdempotencyRecord(recordId, RecordStatus.IN_PROGRESS, recordExpiry, claimExpiry, payloadHash,
                    ownerToken, null);
        }

        private ClaimResult claim(IdempotencyRecord claim, Instant now) {
            ClaimResult result = step("claim", Latency.STORE, span -> {
                try {
                    ClaimResult claimed = store.claim(claim, now);
                    span.metadata("claimed", claimed instanceof ClaimResult.Claimed);
                    return claimed;
                } catch (IdempotencyStoreException e) {
                    if (e.isRetryable()) {
                        releaseUncertainClaim(claim, e);
                    }
                    throw e;
                }
            });
            if (result instanceof ClaimResult.Claimed claimed && claimed.replaced() != null
                    && claimed.replaced().status() == RecordStatus.IN_PROGRESS) {
                takeover = true;
                LOG.log(System.Logger.Level.WARNING, "took over the lapsed in-progress claim of {0} (its owner did "
                        + "not finish by {1}); running again", recordId, claimed.replaced().inProgressExpiresAt());
            }
            return result;
        }

        /**
         * A claim that failed transiently (time-out, lost response, throttling) may still have been applied. The
         * operation has not run, so release it, fenced by our owner token: if it was written, a retry can run at once
         * instead of being refused as in progress until the claim lapses; if not, there is nothing to delete.
         */
        private void releaseUncertainClaim(IdempotencyRecord claim, IdempotencyStoreException failure) {
            try {
                store.release(claim.id(), claim.ownerToken());
            } catch (RuntimeException releaseFailure) {
                failure.addSuppressed(releaseFailure);
            }
        }

        // ---------------------------------------------------------------- process, then release on failure

        private T process(IdempotencyRecord claim, Action<T> action) {
            try {
                return step("process", Latency.NONE, span -> action.run());
            } catch (Throwable userError) {
                outcome = userError instanceof NotRecordedException ? Outcome.NOT_RECORDED : Outcome.HANDLER_ERROR;
                release(claim);
                throw Sneaky.rethrow(userError);
            }
        }

        private void release(IdempotencyRecord claim) {
            step("release", Latency.STORE, span -> {
                try {
                    store.release(claim.id(), claim.ownerToken());
                } catch (IdempotencyClaimLostException lost) {
                    span.error(lost);
                    LOG.log(System.Logger.Level.WARNING, "claim on {0} was taken over before it could be released; "
                            + "the new owner''s record was left untouched", recordId);
                } catch (IdempotencyStoreException e) {
                    span.error(e);
                    LOG.log(System.Logger.Level.ERROR, "could not release the claim on " + recordId + "; repeats "
                            + "are refused as in progress until " + claim.inProgressExpiresAt(), e);
                }
                return null;
            });
        }

        // ---------------------------------------------------------------- record

        private void record(IdempotencyRecord claim, T value) {
            step("record", Latency.NONE, span -> {
                StoredResult stored = storeResult(value, span);
                span.metadata("stored_as", storedAs(stored));
                // the TTL runs from completion: a handler that outlived the TTL must not write an expired record
                Instant completedExpiry = config.clock().instant().plus(config.recordTtl());
                IdempotencyRecord completed = new IdempotencyRecord(claim.id(), RecordStatus.COMPLETED,
                        completedExpiry, null, claim.payloadHash(), claim.ownerToken(), stored);
                // cache only what the store now holds: a result whose recording failed must not replay here while
                // other execution environments see "in progress", "unavailable" or a later execution
                if (complete(completed, claim.inProgressExpiresAt(), span) && stored instanceof StoredResult.Inline) {
                    cache.put(completed);
                }
                return null;
            });
        }

        private StoredResult storeResult(T value, TraceSpan span) {
            byte[] json;
            try {
                // redacted before anything is written: neither the record nor an offloaded object (nor its
                // checksum, nor the local cache) ever sees what the redaction removes
                json = redactor == null ? codec.encode(value) : redactor.encode(value, codec);
            } catch (ResultRedactor.RedactionFailedException e) {
                // fail closed, as for a result that cannot be serialized: the operation ran, so complete the claim
                // (never run it twice) but store nothing of the result
                span.metadata("redaction_failed", true);
                LOG.log(System.Logger.Level.ERROR, "the result for " + recordId + " could not be redacted ("
                        + e.getMessage() + "); it is not stored, and repeats will get "
                        + "IdempotencyResultUnavailableException", e);
                return new StoredResult.Unavailable("the result could not be redacted: " + e.getMessage());
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "the result for " + recordId + " cannot be serialized as JSON; "
                        + "repeats will get IdempotencyResultUnavailableException", e);
                return new StoredResult.Unavailable("the result could not be serialized as JSON: "
                        + e.getMessage());
            }
            span.metadata("result_bytes", json.length);
            if (resultStore != null && json.length > config.offloadThresholdBytes()) {
                return offload(json);
            }
            if (json.length > maxInlineBytes) {
                LOG.log(System.Logger.Level.ERROR, "the result for {0} is {1} bytes, over the {2}-byte record "
                        + "limit, and no result store is configured; repeats will get "
                        + "IdempotencyResultUnavailableException", recordId, json.length, maxInlineBytes);
                return new StoredResult.Unavailable("the result (" + json.length + " bytes) exceeds the record "
                        + "limit of " + maxInlineBytes + " bytes and no result store (S3) is configured");
            }
            return new StoredResult.Inline(new String(json, StandardCharsets.UTF_8));
        }

        private StoredResult offload(byte[] json) {
            return step("offload", Latency.RESULT_STORE, span -> {
                try {
                    ResultPointer pointer = resultStore.put(recordId, new ByteArrayInputStream(json), json.length);
                    offloadedBytes = json.length;
                    span.metadata("result_bytes", json.length);
                    span.metadata("stored_bytes", pointer.size());
                    return new StoredResult.Offloaded(pointer);
                } catch (RuntimeException e) {
                    // any failure (not only IdempotencyStoreException from a well-behaved store): the operation
                    // already ran, so the claim must still be completed, or a retry would run it again
                    span.error(e);
                    LOG.log(System.Logger.Level.ERROR, "could not offload the result for " + recordId + "; it is "
                            + "recorded as completed without a result so that repeats do not run again", e);
                    return new StoredResult.Unavailable("the result could not be written to the result store: "
                            + e.getMessage());
                }
            });
        }

        /**
         * Writes the completed record; true when the store now holds it as given. A transient failure is retried
         * once (only the real completion keeps the result for repeats); then the record is completed without a
         * result (a small write that usually succeeds when a large one did not), so repeats are refused rather than
         * run again; if even that fails, the claim stays in progress until it lapses. A lost claim (another owner)
         * propagates.
         */
        private boolean complete(IdempotencyRecord completed, Instant claimExpiry, TraceSpan span) {
            IdempotencyStoreException failure = attempt(completed, null);
            if (failure == null) {
                return true;
            }
            span.error(failure);
            if (failure.isRetryable() && attempt(completed, failure) == null) {
                LOG.log(System.Logger.Level.WARNING, "recorded the result for {0} on a second attempt, after: {1}",
                        recordId, failure.getMessage());
                return true;
            }
            if (!(completed.result() instanceof StoredResult.Unavailable) && attempt(completed.complete(
                    new StoredResult.Unavailable("the result could not be recorded: " + failure.getMessage())),
                    failure) == null) {
                LOG.log(System.Logger.Level.ERROR, "the result write for " + recordId + " failed; the record is now "
                        + "completed (without a result, unless the failed write had in fact been applied), so "
                        + "repeats do not run again", failure);
                return false;
            }
            LOG.log(System.Logger.Level.ERROR, "could not record the outcome of " + recordId + "; the live result "
                    + "is returned, but repeats are refused as in progress only until the claim lapses at "
                    + claimExpiry + "; a retry after that runs the operation again", failure);
            return false;
        }

        /** One completion write: null when it succeeded, else its failure (added to {@code earlier}, if any). */
        private IdempotencyStoreException attempt(IdempotencyRecord completed, IdempotencyStoreException earlier) {
            long start = System.nanoTime();
            try {
                store.complete(completed);
                return null;
            } catch (IdempotencyClaimLostException lost) {
                LOG.log(System.Logger.Level.WARNING, lost.getMessage());
                throw lost;
            } catch (IdempotencyStoreException e) {
                if (earlier != null) {
                    earlier.addSuppressed(e);
                }
                return e;
            } finally {
                add(Latency.STORE, System.nanoTime() - start);
            }
        }

        // ---------------------------------------------------------------- replay (or refuse)

        private Execution<T> replay(IdempotencyRecord record, boolean fromCache) {
            requireSamePayload(record);
            if (record.status() == RecordStatus.IN_PROGRESS) {
                outcome = Outcome.IN_PROGRESS;
                throw new IdempotencyInProgressException(recordId, record.inProgressExpiresAt());
            }
            // a failed replay is marked on the step that failed (fetch), or is the record's fault, not the span's
            try (TraceSpan span = tracer.start("replay")) {
                span.metadata("record_status", record.status().name());
                span.metadata("from_local_cache", fromCache);
                T value = decode(storedJson(record));
                if (!fromCache && record.result() instanceof StoredResult.Inline) {
                    cache.put(record);
                }
                outcome = Outcome.REPLAY;
                // a completed record's expiry runs from its completion (see record)
                return new Execution<>(value, Execution.Kind.REPLAYED, record.expiresAt().minus(config.recordTtl())
                        .truncatedTo(ChronoUnit.SECONDS)); // stores keep the expiry in seconds
            }
        }

        private void requireSamePayload(IdempotencyRecord existing) {
            if (payloadHash != null && existing.payloadHash() != null && !payloadHash.equals(existing.payloadHash())) {
                outcome = Outcome.MISMATCH;
                throw new IdempotencyPayloadMismatchException(recordId);
            }
        }

        private byte[] storedJson(IdempotencyRecord record) {
            StoredResult result = record.result();
            if (result instanceof StoredResult.Inline inline) {
                return inline.json().getBytes(StandardCharsets.UTF_8);
            }
            if (result instanceof StoredResult.Offloaded offloaded) {
                return fetch(offloaded.pointer());
            }
            StoredResult.Unavailable unavailable = (StoredResult.Unavailable) result;
            throw new IdempotencyResultUnavailableException("the operation for " + recordId + " already completed; "
                    + "it is not run again, but its result is unavailable: " + unavailable.reason(), recordId, null);
        }

        private byte[] fetch(ResultPointer pointer) {
            if (resultStore == null) {
                throw new IdempotencyResultUnavailableException("record " + recordId + " points at an offloaded "
                        + "result (" + pointer.bucket() + "/" + pointer.key() + ") but no result store is configured",
                        recordId, null);
            }
            return step("fetch", Latency.RESULT_STORE, span -> {
                byte[] bytes = resultStore.get(recordId, pointer);
                span.metadata("stored_bytes", pointer.size());
                return bytes;
            });
        }

        private T decode(byte[] json) {
            try {
                return codec.decode(json);
            } catch (IOException e) {
                // the record is readable and says COMPLETED: the operation ran, only its result cannot be returned
                // (a changed result type, a corrupt copy). Unavailable, not unreadable: a batch then counts the
                // record as done instead of redelivering it until the record expires and it runs again
                throw new IdempotencyResultUnavailableException("the operation for " + recordId + " already "
                        + "completed; it is not run again, but its stored result does not deserialize into the "
                        + "expected type: " + e.getMessage(), recordId, e);
            }
        }

        // ---------------------------------------------------------------- tracing and timing, once

        /** Runs one step in its own span, marking the span if the step fails and adding its time to a latency. */
        private <R> R step(String name, Latency latency, StepBody<R> body) {
            TraceSpan span = tracer.start(name);
            long start = System.nanoTime();
            try {
                return body.run(span);
            } catch (Throwable failure) {
                if (failure instanceof NotRecordedException) {
                    span.metadata("not_recorded", true); // an answer, not a fault of the step
                } else {
                    span.error(failure);
                }
                throw Sneaky.rethrow(failure);
            } finally {
                add(latency, System.nanoTime() - start);
                span.close();
            }
        }

        private void add(Latency latency, long nanos) {
            if (latency == Latency.STORE) {
                storeNanos += nanos;
            } else if (latency == Latency.RESULT_STORE) {
                resultStoreNanos += nanos;
            }
        }
    }

    private Instant inProgressExpiry(Context context, Instant now) {
        if (context != null) {
            int remaining = context.getRemainingTimeInMillis();
            if (remaining > 0) {
                return now.plusMillis(remaining);
            }
        }
        return now.plus(config.inProgressLease());
    }

    private static String storedAs(StoredResult stored) {
        if (stored instanceof StoredResult.Inline) {
            return "inline";
        }
        return stored instanceof StoredResult.Offloaded ? "offloaded" : "unavailable";
    }
}
