package dev.lambdaidempotency;

import com.amazonaws.services.lambda.runtime.Context;
import dev.lambdaidempotency.internal.IdempotencyEngine;
import dev.lambdaidempotency.internal.RequestKeys;
import dev.lambdaidempotency.internal.ResultRedactor;
import dev.lambdaidempotency.spi.RecordId;
import dev.lambdaidempotency.spi.ResultCodec;
import java.time.Duration;
import java.util.Objects;

/**
 * One named operation, made idempotent with an explicit key: a payment call inside a bigger handler, one record of
 * an SQS batch. Obtain it from {@link Idempotency#operation(String, Class)} once (at init), then:
 *
 * <pre>{@code
 * Receipt receipt = charge.call("order-" + order.id(), order, context, () -> payments.charge(order));
 * }</pre>
 *
 * <p>Records are scoped by function name, the configured key space and the operation name, so operations never
 * collide with each other or with wrapped handlers. This class is immutable and thread-safe.
 *
 * @param <T> the result type, serialized with Jackson for replay
 */
public final class IdempotentOperation<T> {
    private final IdempotencyEngine engine;
    private final RequestKeys keys;
    private final String scope;
    private final ResultCodec.Binding<T> codec;
    private final ResultRedactor<T> redactor;

    IdempotentOperation(IdempotencyEngine engine, RequestKeys keys, String scope, ResultCodec.Binding<T> codec,
            ResultRedactor<T> redactor) {
        this.engine = engine;
        this.keys = keys;
        this.scope = scope;
        this.codec = codec;
        this.redactor = redactor;
    }

    /**
     * The body of an operation.
     *
     * @param <T> result type
     * @param <E> the checked exception it may throw (use {@link RuntimeException} for none)
     */
    @FunctionalInterface
    public interface Action<T, E extends Exception> {
        /**
         * Performs the operation.
         *
         * @return the result
         * @throws E the operation's own failure, passed through unchanged
         */
        T run() throws E;
    }

    /**
     * Runs {@code action} unless an earlier call with the same key completed; then returns that call's result.
     *
     * @param key     the caller's key (hashed before storage; at most {@code maxKeyBytes} canonical bytes)
     * @param payload what a repeat must match (any Jackson-serializable value), or {@code null} for no validation
     * @param context the Lambda context, which bounds the claim to the invocation's remaining time; {@code null}
     *                outside Lambda (the configured lease applies)
     * @param action  the operation
     * @param <E>     the operation's checked exception
     * @return the live result, or the replayed one (in its recorded form: redacted when the operation was created
     *         with a {@link Redaction})
     * @throws E                                    what the action throws, unchanged (its claim is released)
     * @throws IdempotencyKeyException              when the key is null, blank or too large
     * @throws IdempotencyInProgressException       when another call holds the key
     * @throws IdempotencyPayloadMismatchException  when the key was used with another payload
     * @throws IdempotencyStoreException            when the store fails before the action runs
     * @throws IdempotencyResultUnavailableException when the operation completed but its result is unavailable (not
     *                                              stored, or stored in a form that no longer decodes)
     * @throws IdempotencyRecordUnreadableException when the stored record cannot be decoded
     * @throws IdempotencyClaimLostException        when no live record holds the key (the claim was released or
     *                                              expired, or the token was never issued): nothing was run; or when
     *                                              the claim was taken over before the result was recorded
     * @throws UnsupportedOperationException        when the configured store does not implement
     *                                              {@link dev.lambdaidempotency.spi.IdempotencyStore#renew}
     */
    public <E extends Exception> T call(String key, Object payload, Context context, Action<T, E> action) throws E {
        return execute(key, payload, context, action).result();
    }

    /**
     * {@link #call(String, Object, Context, Action)}, telling also whether the result was executed now or replayed
     * (and when the replayed one was recorded):
     *
     * <pre>{@code
     * Execution<Confirmation> done = fulfil.execute(order.id(), order, context, () -> warehouse.ship(order));
     * log.info(order.id() + (done.replayed() ? ": duplicate, skipped" : ": shipped"));
     * }</pre>
     *
     * @param key     the caller's key
     * @param payload what a repeat must match, or {@code null} for no validation
     * @param context the Lambda context, or {@code null} outside Lambda
     * @param action  the operation
     * @param <E>     the operation's checked exception
     * @return the result and how it was obtained ({@link Execution.Kind#EXECUTED} or {@link Execution.Kind#REPLAYED})
     * @throws E the action's own exception, unchanged; and the exceptions listed on
     *           {@link #call(String, Object, Context, Action)}
     */
    public <E extends Exception> Execution<T> execute(String key, Object payload, Context context,
            Action<T, E> action) throws E {
        RequestKeys.Keys derived = keys.fromExplicit(key, payload);
        return engine.execute(scope, derived.recordId(), derived.payloadHash(), context, codec, redactor,
                action::run);
    }

    /**
     * Claims the key for an execution that runs later, elsewhere (an asynchronous worker), or replays the recorded
     * result: the first half of {@link #execute}, for work that outlives the request that asked for it. The claim
     * holds for {@code lease} (not the caller's remaining time); run the operation under it with
     * {@link #resume(String, Object, String, Context, Action)}, passing the same key and payload.
     *
     * @param key     the caller's key
     * @param payload what a repeat must match, or {@code null} for no validation
     * @param lease   how long the claim holds if no worker takes it up: longer than the hand-over's delay (a worker
     *                extends it to its own deadline when it starts, see {@link #resume}); positive
     * @return the claim ({@link Admission.Claimed}), or the recorded result ({@link Admission.Recorded})
     * @throws IllegalArgumentException             when {@code lease} is not positive
     * @throws IdempotencyKeyException              when the key is null, blank or too large
     * @throws IdempotencyInProgressException       when the key is claimed and its operation has not completed
     * @throws IdempotencyPayloadMismatchException  when the key was used with another payload
     * @throws IdempotencyStoreException            when the store fails
     * @throws IdempotencyResultUnavailableException when the operation completed but its result is unavailable
     * @throws IdempotencyRecordUnreadableException when the stored record or result cannot be decoded
     */
    public Admission<T> admit(String key, Object payload, Duration lease) {
        Objects.requireNonNull(lease, "lease");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be positive, was " + lease);
        }
        RequestKeys.Keys derived = keys.fromExplicit(key, payload);
        return engine.admit(scope, derived.recordId(), derived.payloadHash(), lease, codec);
    }

    /**
     * Runs {@code action} under a claim {@link #admit} returned, and records its result for repeats exactly as
     * {@link #execute} does (an action that throws releases the claim, so the next request with the key claims it
     * again). The owner token is the fence: before the action runs, the claim is renewed
     * ({@link dev.lambdaidempotency.spi.IdempotencyStore#renew}) to this invocation's deadline ({@code context}'s
     * remaining time, else {@link IdempotencyConfig#inProgressLease()}; a longer lease is kept), only if it is still
     * this token's (live, or lapsed with nobody having taken it over). So no repeat can claim the key while the
     * action may still run, however late the hand-over came. A duplicate hand-over of the same claim (asynchronous
     * deliveries are at least once) does not run it a second time, and a token that holds no live claim (released,
     * expired, or never issued) runs nothing.
     *
     * @param key        the key given to {@link #admit}
     * @param payload    the payload given to {@link #admit}
     * @param claimToken {@link Admission.Claimed#claimToken()}
     * @param context    the Lambda context of the invocation running the action (bounds its hand-over), or
     *                   {@code null}
     * @param action     the operation
     * @param <E>        the operation's checked exception
     * @return the live result ({@link Execution.Kind#EXECUTED}), or the recorded one
     *         ({@link Execution.Kind#REPLAYED}) when the claim had already completed
     * @throws E                                    what the action throws, unchanged (its claim is released)
     * @throws IdempotencyInProgressException       when another invocation holds the key, or another delivery of
     *                                              this hand-over runs (or ran) it; nothing was run
     * @throws IdempotencyPayloadMismatchException  when the key is now held for another payload
     * @throws IdempotencyClaimLostException        when no live record holds the key (the claim was released or
     *                                              expired, or the token was never issued): nothing was run; or when
     *                                              the claim was taken over before the result was recorded
     * @throws UnsupportedOperationException        when the configured store does not implement
     *                                              {@link dev.lambdaidempotency.spi.IdempotencyStore#renew}
     * @throws IdempotencyStoreException            when the store fails before the action runs
     * @throws IdempotencyKeyException              when the key is null, blank or too large
     * @throws IdempotencyResultUnavailableException when the claim had already completed but its result is
     *                                              unavailable (the replay path)
     * @throws IdempotencyRecordUnreadableException when the claim had already completed and its record or result
     *                                              cannot be decoded (the replay path)
     */
    public <E extends Exception> Execution<T> resume(String key, Object payload, String claimToken, Context context,
            Action<T, E> action) throws E {
        Objects.requireNonNull(claimToken, "claimToken");
        Objects.requireNonNull(action, "action");
        RequestKeys.Keys derived = keys.fromExplicit(key, payload);
        return engine.resume(scope, derived.recordId(), derived.payloadHash(), claimToken, context, codec, redactor,
                action::run);
    }

    /**
     * {@link #call(String, Object, Context, Action)} with no payload validation and no Lambda context: the claim
     * lasts {@link IdempotencyConfig#inProgressLease()} (default 15 minutes, Lambda's maximum timeout, so that no
     * retry takes over while the function may still be running the action). Inside a handler, prefer passing the
     * {@code Context}: the claim then lapses exactly when the invocation times out.
     *
     * @param key    the caller's key
     * @param action the operation
     * @param <E>    the operation's checked exception
     * @return the live or replayed result
     * @throws E what the action throws, unchanged
     */
    public <E extends Exception> T call(String key, Action<T, E> action) throws E {
        return call(key, null, null, action);
    }

    /**
     * The id of the record that {@link #call} and {@link #execute} file {@code key} under, computed exactly as they
     * do. Reads nothing and writes nothing; for tools that look a key's record up (the operator CLI) and for tests.
     *
     * @param key the caller's key
     * @return the record id
     * @throws IdempotencyKeyException when the key is null, blank or too large
     */
    public RecordId recordId(String key) {
        return keys.fromExplicit(key, null).recordId();
    }

    @Override
    public String toString() {
        return "IdempotentOperation[" + scope + "]";
    }
}
