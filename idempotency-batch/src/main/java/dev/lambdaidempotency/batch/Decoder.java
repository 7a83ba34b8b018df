package dev.lambdaidempotency.batch;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Objects;

/**
 * Turns a record into what the processor gets: a JSON body read as a type, or the record itself.
 *
 * @param <M> the record type
 * @param <T> the decoded type
 */
final class Decoder<M, T> {
    private final Class<T> bodyType;

    private Decoder(Class<T> bodyType) {
        this.bodyType = bodyType;
    }

    static <M, T> Decoder<M, T> json(Class<T> bodyType) {
        return new Decoder<>(Objects.requireNonNull(bodyType, "bodyType"));
    }

    static <M> Decoder<M, M> asIs() {
        return new Decoder<>(null);
    }

    boolean hasBody() {
        return bodyType != null;
    }

    /**
     * A decoded record.
     *
     * @param item    what the processor gets
     * @param tree    the body as JSON, or {@code null} (no body, or a text body that is not JSON)
     * @param payload what a repeat of the key must match (the body), or {@code null} for no validation
     */
    record Decoded<T>(T item, JsonNode tree, Object payload) {
    }

    /** A record that cannot be decoded: no body, or not the expected JSON. */
    static final class UnreadableRecordException extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableRecordException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A decoder with its mapper. */
    record Bound<M, T>(Decoder<M, T> decoder, ObjectMapper mapper) {

        @SuppressWarnings("unchecked")    // asIs: T is M
        Decoded<T> decode(EventSource<?, M, ?> source, M record) throws UnreadableRecordException {
            Class<T> type = decoder.bodyType;
            if (type == null) {
                return new Decoded<>((T) record, null, null);
            }
            String body;
            try {
                body = source.body(record);
            } catch (IOException e) {
                throw new UnreadableRecordException("body is not UTF-8 text", e);
            }
            if (body == null) {
                throw new UnreadableRecordException("record has no body", null);
            }
            if (type == String.class) {
                return new Decoded<>(type.cast(body), parseOrNull(body), body);
            }
            try {
                JsonNode tree = mapper.readTree(body);
                if (tree == null || tree.isMissingNode() || tree.isNull()) {
                    throw new UnreadableRecordException("body is empty or null", null);
                }
                return new Decoded<>(mapper.treeToValue(tree, type), tree, tree);
            } catch (IllegalArgumentException e) {
                // a tree that does not convert to the type: one unreadable record, not a failed batch
                throw new UnreadableRecordException("body cannot be read as " + type.getSimpleName() + ": "
                        + e.getClass().getSimpleName(), e);
            } catch (JsonProcessingException e) {
                // not Jackson's message: it may quote the body, and the detail is logged
                JsonLocation at = e.getLocation();
                throw new UnreadableRecordException("body cannot be read as " + type.getSimpleName() + ": "
                        + e.getClass().getSimpleName() + (at == null ? "" : " at line " + at.getLineNr()
                                + ", column " + at.getColumnNr()), e);
            }
        }

        private JsonNode parseOrNull(String body) {
            try {
                return mapper.readTree(body);
            } catch (IOException e) {
                return null;
            }
        }
    }
}
