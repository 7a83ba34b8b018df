package dev.lambdaidempotency.internal;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.lambdaidempotency.IdempotencyClaimLostException;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyException;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.IdempotencyPayloadMismatchException;
import dev.lambdaidempotency.IdempotencyRecordUnreadableException;
import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.IdempotencyStoreException;
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
import dev.lambdaidempotency.spi.ResultPointer;
import dev.lambdaidempotency.spi.ResultStore;
import dev.lambdaidempotency.spi.StoredResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * Claim, process, record; or replay. One instance serves every invocation of an {@code Idempotency}; it holds no
 * per-invocation state and is thread-safe.
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
     * Serializes and deserializes results of one type; built once per wrapped handler or operation.
     *
     * @param reader reads stored JSON into the result type
     * @param writer writes results as JSON
     * @param <T>    the result type
     */
    public record Codec<T>(ObjectReader reader, ObjectWriter writer) {
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
     * @return the live or replayed result
     */
    public <T> T execute(String scope, RecordId recordId, String payloadHash, Context context, Codec<T> codec,
            Action<T> action) {
        return new Invocation<>(scope, recordId, payloadHash, codec).run(context, action);
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
    public <T> T executeWithoutKey(String scope, Action<T> action) {
        LOG.log(System.Logger.Level.WARNING, "no idempotency key in the event for {0}; running without "
                + "idempotency (missingKeyPolicy=RUN_WITHOUT_IDEMPOTENCY)", scope);
        try {
            return action.run();
        } catch (Throwable t) {
            throw Sneaky.rethrow(t);
        } finally {
            emit(new InvocationMetrics(scope, Outcome.NO_KEY, false, 0, 0, 0));
        }
    }

    /** Items kept in memory by the local cache (for tests and diagnostics). */
    int cachedRecords() {
        return cache.size();
    }

    private void emit(InvocationMetrics m) {
        try {
            metrics.record(m);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "metrics sink failed; metrics of this invocation dropped", e);
        }
    }

    /** The state of one invocation. */
    private final class Invocation<T> {
        private final String scope;
        private final RecordId id;
        private final String recordId;
        private final String payloadHash;
        private final Codec<T> codec;
        private Outcome outcome = Outcome.ERROR;
        private boolean takeover;
        private long offloadedBytes;
        private long storeNanos;
        private long resultStoreNanos;

        Invocation(String scope, RecordId id, String payloadHash, Codec<T> codec) {
            this.scope = scope;
            this.id = id;
            this.recordId = id.value();
            this.payloadHash = payloadHash;
            this.codec = codec;
        }

        T run(Context context, Action<T> action) {
            TraceSpan span = tracer.start("idempotency");
            try {
                span.annotate("idempotency_key_prefix", id.keyHashPrefix(12));
                span.annotate("idempotency_scope", scope);
                return lifecycle(context, action);
            } finally {
                span.annotate("idempotency_outcome", outcome.name().toLowerCase(Locale.ROOT));
                span.metadata("store_latency_ms", storeNanos / 1e6);
                if (resultStoreNanos > 0) {
                    span.metadata("result_store_latency_ms", resultStoreNanos / 1e6);
                }
                span.close();
                emit(new InvocationMetrics(scope, outcome, takeover, offloadedBytes, storeNanos, resultStoreNanos));
            }
        }

        private T lifecycle(Context context, Action<T> action) {
            Instant now = config.clock().instant();
            IdempotencyRecord cached = cache.get(recordId, now);
            if (cached != null) {
                requireSamePayload(cached);
                T value = replay(cached, true);
                outcome = Outcome.REPLAY;
                return value;
            }
            Instant claimExpiry = inProgressExpiry(context, now);
            // while in progress, the record (and the table's TTL) must outlive the claim: an expired record may be
            // taken over even though its invocation is still running
            Instant ttlFromClaim = now.plus(config.recordTtl());
            Instant inProgressRecordExpiry = ttlFromClaim.isBefore(claimExpiry) ? claimExpiry : ttlFromClaim;
            IdempotencyRecord claim = new IdempotencyRecord(recordId, RecordStatus.IN_PROGRESS,
                    inProgressRecordExpiry, claimExpiry, payloadHash, OwnerTokens.next(), null);
            ClaimResult claimed = claim(claim, now);
            if (claimed instanceof ClaimResult.Existing existing) {
                return answerRepeat(existing.existing());
            }
            IdempotencyRecord replaced = ((ClaimResult.Claimed) claimed).replaced();
            takeover = replaced != null && replaced.status() == RecordStatus.IN_PROGRESS;
            if (takeover) {
                LOG.log(System.Logger.Level.WARNING, "took over the lapsed in-progress claim of {0} (its owner did "
                        + "not finish by {1}); running again", recordId, replaced.inProgressExpiresAt());
            }
            T value = process(claim, action);
            record(claim, value);
            outcome = Outcome.NEW;
            return value;
        }

        private ClaimResult claim(IdempotencyRecord claim, Instant now) {
            try (TraceSpan span = tracer.start("claim")) {
                long start = System.nanoTime();
                try {
                    ClaimResult result = store.claim(claim, now);
                    span.metadata("claimed", result instanceof ClaimResult.Claimed);
                    return result;
                } catch (IdempotencyStoreException e) {
                    span.error(e);
                    if (e.isRetryable()) {
                        releaseUncertainClaim(claim, e);
                    }
                    throw e;
                } catch (RuntimeException e) {
                    span.error(e);
                    throw e;
                } finally {
                    storeNanos += System.nanoTime() - start;
                }
            }
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

        private T answerRepeat(IdempotencyRecord existing) {
            requireSamePayload(existing);
            if (existing.status() == RecordStatus.IN_PROGRESS) {
                outcome = Outcome.IN_PROGRESS;
                throw new IdempotencyInProgressException(recordId, existing.inProgressExpiresAt());
            }
            T value = replay(existing, false);
            outcome = Outcome.REPLAY;
            return value;
        }

        private void requireSamePayload(IdempotencyRecord existing) {
            if (payloadHash != null && existing.payloadHash() != null && !payloadHash.equals(existing.payloadHash())) {
                outcome = Outcome.MISMATCH;
                throw new IdempotencyPayloadMismatchException(recordId);
            }
        }

        private T process(IdempotencyRecord claim, Action<T> action) {
            TraceSpan span = tracer.start("process");
            T value;
            try {
                value = action.run();
            } catch (Throwable userError) {
                span.error(userError);
                span.close();
                outcome = Outcome.HANDLER_ERROR;
                release(claim);
                throw Sneaky.rethrow(userError);
            }
            span.close();
            return value;
        }

        private void release(IdempotencyRecord claim) {
            try (TraceSpan span = tracer.start("release")) {
                long start = System.nanoTime();
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
                } finally {
                    storeNanos += System.nanoTime() - start;
                }
            }
        }

        private void record(IdempotencyRecord claim, T value) {
            try (TraceSpan span = tracer.start("record")) {
                StoredResult stored = store(value, span);
                // the TTL runs from completion: a handler that outlived the TTL must not write an expired record
                Instant completedExpiry = config.clock().instant().plus(config.recordTtl());
                IdempotencyRecord completed = new IdempotencyRecord(claim.id(), RecordStatus.COMPLETED,
                        completedExpiry, null, claim.payloadHash(), claim.ownerToken(), stored);
                span.metadata("stored_as", storedAs(stored));
                // cache only what the store now holds: a result whose recording failed must not replay here
                // while other execution environments see "in progress", "unavailable" or a later execution
                if (complete(completed, claim.inProgressExpiresAt(), span)
                        && stored instanceof StoredResult.Inline) {
                    cache.put(completed);
                }
            }
        }

        private StoredResult store(T value, TraceSpan span) {
            byte[] json;
            try {
                json = codec.writer().writeValueAsBytes(value);
            } catch (JsonProcessingException e) {
                LOG.log(System.Logger.Level.ERROR, "the result for " + recordId + " cannot be serialized as JSON; "
                        + "repeats will get IdempotencyResultUnavailableException", e);
                return new StoredResult.Unavailable("the result could not be serialized as JSON: "
                        + e.getOriginalMessage());
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
            try (TraceSpan span = tracer.start("offload")) {
                long start = System.nanoTime();
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
                } finally {
                    resultStoreNanos += System.nanoTime() - start;
                }
            }
        }

        /** Records the outcome; true when the store holds {@code completed} as given. */
        private boolean complete(IdempotencyRecord completed, Instant claimExpiry, TraceSpan span) {
            try {
                timedComplete(completed);
                return true;
            } catch (IdempotencyClaimLostException lost) {
                span.error(lost);
                LOG.log(System.Logger.Level.WARNING, lost.getMessage());
                throw lost;
            } catch (IdempotencyStoreException e) {
                span.error(e);
                // a transient failure (throttling, time-out, connection) that outlasted the SDK's retries: the
                // store is often back a moment later, and only the real completion keeps the result for repeats
                if (e.isRetryable() && completedOnSecondAttempt(completed, e)) {
                    LOG.log(System.Logger.Level.WARNING, "recorded the result for {0} on a second attempt, after: "
                            + "{1}", recordId, e.getMessage());
                    return true;
                }
                if (!(completed.result() instanceof StoredResult.Unavailable)) {
                    try {
                        timedComplete(completed.complete(new StoredResult.Unavailable(
                                "the result could not be recorded: " + e.getMessage())));
                        LOG.log(System.Logger.Level.ERROR, "the result write for " + recordId + " failed; the "
                                + "record is now completed (without a result, unless the failed write had in fact "
                                + "been applied), so repeats do not run again", e);
                        return false;
                    } catch (IdempotencyClaimLostException lost) {
                        LOG.log(System.Logger.Level.WARNING, lost.getMessage());
                        throw lost;
                    } catch (IdempotencyStoreException again) {
                        e.addSuppressed(again);
                    }
                }
                LOG.log(System.Logger.Level.ERROR, "could not record the outcome of " + recordId + "; the live "
                        + "result is returned, but repeats are refused as in progress only until the claim lapses at "
                        + claimExpiry + "; a retry after that runs the operation again", e);
                return false;
            }
        }

        private boolean completedOnSecondAttempt(IdempotencyRecord completed, IdempotencyStoreException failure) {
            try {
                timedComplete(completed);
                return true;
            } catch (IdempotencyClaimLostException lost) {
                LOG.log(System.Logger.Level.WARNING, lost.getMessage());
                throw lost;
            } catch (IdempotencyStoreException again) {
                failure.addSuppressed(again);
                return false;
            }
        }

        private void timedComplete(IdempotencyRecord completed) {
            long start = System.nanoTime();
            try {
                store.complete(completed);
            } finally {
                storeNanos += System.nanoTime() - start;
            }
        }

        private T replay(IdempotencyRecord record, boolean fromCache) {
            try (TraceSpan span = tracer.start("replay")) {
                span.metadata("record_status", record.status().name());
                span.metadata("from_local_cache", fromCache);
                StoredResult result = record.result();
                if (result instanceof StoredResult.Inline inline) {
                    T value = decode(inline.json().getBytes(StandardCharsets.UTF_8));
                    if (!fromCache) {
                        cache.put(record);
                    }
                    return value;
                }
                if (result instanceof StoredResult.Offloaded offloaded) {
                    return decode(fetch(offloaded.pointer()));
                }
                StoredResult.Unavailable unavailable = (StoredResult.Unavailable) result;
                throw new IdempotencyResultUnavailableException("the operation for " + recordId + " already "
                        + "completed; it is not run again, but its result is unavailable: " + unavailable.reason(),
                        recordId, null);
            } catch (RuntimeException e) {
                outcome = Outcome.ERROR;
                throw e;
            }
        }

        private byte[] fetch(ResultPointer pointer) {
            if (resultStore == null) {
                throw new IdempotencyResultUnavailableException("record " + recordId + " points at an offloaded "
                        + "result (" + pointer.bucket() + "/" + pointer.key() + ") but no result store is configured",
                        recordId, null);
            }
            try (TraceSpan span = tracer.start("fetch")) {
                long start = System.nanoTime();
                try {
                    byte[] bytes = resultStore.get(recordId, pointer);
                    span.metadata("stored_bytes", pointer.size());
                    return bytes;
                } catch (RuntimeException e) {
                    span.error(e);
                    throw e;
                } finally {
                    resultStoreNanos += System.nanoTime() - start;
                }
            }
        }

        private T decode(byte[] json) {
            try {
                return codec.reader().readValue(json);
            } catch (IOException e) {
                throw new IdempotencyRecordUnreadableException("the stored result of record " + recordId
                        + " does not deserialize into the expected type: " + e.getMessage(), recordId, e);
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
