package dev.lambdaidempotency.internal;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.lambdaidempotency.Execution;
import dev.lambdaidempotency.IdempotencyKeyException;
import dev.lambdaidempotency.MissingKeyPolicy;
import dev.lambdaidempotency.ResponseHook;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * A {@link RequestStreamHandler} that runs its delegate at most once per key: the input is read once (bounded),
 * parsed once for the key and payload, and handed to the delegate as bytes; the delegate writes into a buffer, and
 * only the recorded (or replayed) bytes reach the caller's stream.
 */
public final class IdempotentStreamHandler implements RequestStreamHandler {
    /** Largest input read: Lambda's 6 MB limit on a synchronous invocation's request payload. */
    public static final int MAX_INPUT_BYTES = 6 * 1024 * 1024;

    private final IdempotencyEngine engine;
    private final RequestKeys keys;
    private final String scope;
    private final String keyDescription;
    private final MissingKeyPolicy missingKeyPolicy;
    private final boolean keyIsRawInput;
    private final RequestStreamHandler delegate;
    private final ResponseHook<byte[]> hook;

    /**
     * @param engine           the shared engine
     * @param keys             key derivation
     * @param scope            metric/trace label
     * @param keyDescription   where the key is, for messages
     * @param missingKeyPolicy what to do without a key
     * @param keyPaths         configured key paths (empty: the whole event)
     * @param payloadPath      configured payload path, or {@code null}
     * @param delegate         the user's handler
     * @param hook             turns the output into the bytes written
     */
    public IdempotentStreamHandler(IdempotencyEngine engine, RequestKeys keys, String scope, String keyDescription,
            MissingKeyPolicy missingKeyPolicy, List<String> keyPaths,
            String payloadPath, RequestStreamHandler delegate, ResponseHook<byte[]> hook) {
        this.engine = engine;
        this.keys = keys;
        this.scope = scope;
        this.keyDescription = keyDescription;
        this.missingKeyPolicy = missingKeyPolicy;
        // a non-JSON input can still be a key when the key (and the validated payload, if any) is all of it
        this.keyIsRawInput = keyPaths.isEmpty() && (payloadPath == null || JsonSelector.parse(payloadPath).isRoot());
        this.delegate = delegate;
        this.hook = hook;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] event = readBounded(input);
        RequestKeys.Keys derived = keys.fromEvent(tree(event), keyDescription);
        Execution<byte[]> execution;
        if (derived == null) {
            if (missingKeyPolicy == MissingKeyPolicy.REJECT) {
                throw new IdempotencyKeyException(IdempotencyKeyException.Reason.MISSING, "the input has no "
                        + "idempotency key at " + keyDescription, null);
            }
            execution = engine.executeWithoutKey(scope, () -> run(event, context));
        } else {
            byte[][] written = new byte[1][];
            Execution<JsonValue> stored = engine.execute(scope, derived.recordId(), derived.payloadHash(), context,
                    StreamOutputCodec.CODEC, () -> {
                        written[0] = run(event, context);
                        return StreamOutputCodec.encode(written[0]);
                    });
            execution = stored.withResult(stored.replayed()
                    ? StreamOutputCodec.decode(stored.result(), derived.recordId().value()) : written[0]);
        }
        byte[] response = hook.respond(execution);
        if (response != null) {
            output.write(response);
        }
        output.flush();
    }

    private byte[] run(byte[] event, Context context) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        delegate.handleRequest(new ByteArrayInputStream(event), buffer, context);
        return buffer.toByteArray();
    }

    private static byte[] readBounded(InputStream input) throws IOException {
        byte[] event = input.readNBytes(MAX_INPUT_BYTES + 1);
        if (event.length > MAX_INPUT_BYTES) {
            throw new IdempotencyKeyException(IdempotencyKeyException.Reason.UNREADABLE_EVENT, "the input is larger "
                    + "than " + MAX_INPUT_BYTES + " bytes (Lambda's 6 MB request payload limit); it was not read "
                    + "to the end and nothing ran", null);
        }
        return event;
    }

    /** The input as JSON; a non-JSON input as its bytes when it is the key, else unreadable. */
    private JsonValue tree(byte[] event) {
        try {
            return JsonText.parse(event);
        } catch (JsonText.MalformedJsonException notJson) {
            if (keyIsRawInput) {
                return new JsonValue.Bytes(event);
            }
            throw new IdempotencyKeyException(IdempotencyKeyException.Reason.UNREADABLE_EVENT, "the input is not "
                    + "JSON, so no key can be selected at " + keyDescription, notJson);
        }
    }

    @Override
    public String toString() {
        return "IdempotentStreamHandler[" + scope + ", key at " + keyDescription + ", " + delegate + "]";
    }
}
