package dev.lambdaidempotency.internal;

import dev.lambdaidempotency.spi.ResultCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What a {@code Redaction} does to a result on its way into the record: the typed function, if any, then the JSON
 * edits on the encoded tree, in order. After edits the bytes must read back into the result type, so that every
 * replay decodes. Immutable and thread-safe.
 *
 * @param <T> the result type
 */
public final class ResultRedactor<T> {
    private final UnaryOperator<T> function;
    private final List<JsonRedaction> edits;

    /**
     * @param function the typed redaction, or {@code null} for none
     * @param edits    the JSON edits, applied after it
     */
    public ResultRedactor(UnaryOperator<T> function, List<JsonRedaction> edits) {
        this.function = function;
        this.edits = List.copyOf(edits);
    }

    /**
     * This redactor with more edits after its own.
     *
     * @param more the edits to add
     * @return a new redactor
     */
    public ResultRedactor<T> then(List<JsonRedaction> more) {
        List<JsonRedaction> all = new ArrayList<>(edits);
        all.addAll(more);
        return new ResultRedactor<>(function, all);
    }

    /**
     * The bytes to store for {@code value}.
     *
     * @param value the live result (not modified here; the function may return a new value or the same)
     * @param codec the result codec
     * @return the redacted result as JSON
     * @throws RedactionFailedException when the function throws, or the edited JSON does not read back into the type
     * @throws IOException              when the codec cannot write the redacted value
     */
    public byte[] encode(T value, ResultCodec.Binding<T> codec) throws RedactionFailedException, IOException {
        T redacted = value;
        if (function != null) {
            try {
                redacted = function.apply(value);
            } catch (RuntimeException e) {
                throw new RedactionFailedException("the redaction function threw " + e.getClass().getName(),
                        withoutMessage(e));
            }
        }
        byte[] json = codec.encode(redacted);
        if (edits.isEmpty()) {
            return json;
        }
        JsonValue original;
        try {
            original = JsonText.parse(json);
        } catch (JsonText.MalformedJsonException e) {
            throw new RedactionFailedException("the encoded result is not JSON, so no path can be redacted", e);
        }
        JsonValue tree = original;
        for (JsonRedaction edit : edits) {
            tree = edit.apply(tree);
        }
        if (tree == original) {
            return json;
        }
        byte[] edited = JsonText.write(tree);
        try {
            codec.decode(edited);
        } catch (IOException | RuntimeException e) {
            throw new RedactionFailedException("the redacted result does not read back into the result type ("
                    + e.getClass().getName() + ")", withoutMessage(e));
        }
        return edited;
    }

    /**
     * Where {@code failure} happened, without what it says: a redactor's message may quote the very value it failed
     * to redact, and this ends up in the log.
     */
    private static Exception withoutMessage(Throwable failure) {
        Exception trace = new Exception(failure.getClass().getName() + " (message withheld: it may quote the result)");
        trace.setStackTrace(failure.getStackTrace());
        return trace;
    }

    @Override
    public String toString() {
        return "ResultRedactor[" + (function != null ? "function, " : "") + edits + "]";
    }

    /**
     * A redaction could not be applied: the result must not be stored. Its message and cause name the failure's type
     * and where it happened, never its message.
     */
    public static final class RedactionFailedException extends Exception {
        /** Serialization version. */
        private static final long serialVersionUID = 1L;

        RedactionFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
