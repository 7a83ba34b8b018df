package dev.lambdaidempotency.internal;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.IdempotencyKeyException;
import dev.lambdaidempotency.MissingKeyPolicy;
import dev.lambdaidempotency.ResponseHook;
import dev.lambdaidempotency.spi.ResultCodec;

/**
 * A {@link RequestHandler} that runs its delegate at most once per key.
 *
 * @param <I> event type
 * @param <O> response type
 */
public final class IdempotentRequestHandler<I, O> implements RequestHandler<I, O> {
    private final IdempotencyEngine engine;
    private final RequestKeys keys;
    private final String scope;
    private final String keyDescription;
    private final MissingKeyPolicy missingKeyPolicy;
    private final ResultCodec.Binding<O> codec;
    private final ResultRedactor<O> redactor;
    private final RequestHandler<I, O> delegate;
    private final ResponseHook<O> hook;

    /**
     * @param engine           the shared engine
     * @param keys             key derivation
     * @param scope            metric/trace label
     * @param keyDescription   where the key is, for messages
     * @param missingKeyPolicy what to do without a key
     * @param codec            response (de)serialization
     * @param redactor         what is removed from a response before it is recorded, or {@code null}
     * @param delegate         the user's handler
     * @param hook             turns the result into the response
     */
    public IdempotentRequestHandler(IdempotencyEngine engine, RequestKeys keys, String scope, String keyDescription,
            MissingKeyPolicy missingKeyPolicy, ResultCodec.Binding<O> codec, ResultRedactor<O> redactor,
            RequestHandler<I, O> delegate, ResponseHook<O> hook) {
        this.engine = engine;
        this.keys = keys;
        this.scope = scope;
        this.keyDescription = keyDescription;
        this.missingKeyPolicy = missingKeyPolicy;
        this.codec = codec;
        this.redactor = redactor;
        this.delegate = delegate;
        this.hook = hook;
    }

    @Override
    public O handleRequest(I input, Context context) {
        RequestKeys.Keys derived = keys.fromEvent(input, keyDescription);
        if (derived == null) {
            if (missingKeyPolicy == MissingKeyPolicy.REJECT) {
                throw new IdempotencyKeyException(IdempotencyKeyException.Reason.MISSING, "the event has no "
                        + "idempotency key at " + keyDescription, null);
            }
            return hook.respond(engine.executeWithoutKey(scope, () -> delegate.handleRequest(input, context)));
        }
        return hook.respond(engine.execute(scope, derived.recordId(), derived.payloadHash(), context, codec,
                redactor, () -> delegate.handleRequest(input, context)));
    }

    @Override
    public String toString() {
        return "IdempotentRequestHandler[" + scope + ", key at " + keyDescription + ", " + delegate + "]";
    }
}
