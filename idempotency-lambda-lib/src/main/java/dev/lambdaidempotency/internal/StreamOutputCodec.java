package dev.lambdaidempotency.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lambdaidempotency.IdempotencyRecordUnreadableException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How a stream handler's output bytes are kept in a record (inline or offloaded alike): a one-member JSON object,
 * {@code {"output_text":"..."}} when the bytes are valid UTF-8 (JSON or not: the text as a JSON string, which gives
 * back exactly those bytes), else {@code {"output_base64":"..."}} (standard alphabet, padded). Never re-serialized
 * from a parse of the output, so a replay writes the very bytes the handler wrote. Uses its own mapper: the stored
 * form does not depend on the application's Jackson settings.
 */
final class StreamOutputCodec {
    static final String TEXT = "output_text";
    static final String BASE64 = "output_base64";

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();
    /** The engine's codec for the stored form. */
    static final IdempotencyEngine.Codec<JsonNode> CODEC = new IdempotencyEngine.Codec<>(
            MAPPER.readerFor(JsonNode.class), MAPPER.writerFor(JsonNode.class));

    private StreamOutputCodec() {
    }

    /** The stored form of {@code output}. */
    static JsonNode encode(byte[] output) {
        ObjectNode stored = JsonNodeFactory.instance.objectNode();
        try {
            // a fresh decoder reports malformed input instead of replacing it, as new String(bytes, UTF_8) would
            stored.put(TEXT, StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(output)).toString());
        } catch (CharacterCodingException notUtf8) {
            stored.put(BASE64, Base64.getEncoder().encodeToString(output));
        }
        return stored;
    }

    /**
     * The output bytes kept in {@code stored}.
     *
     * @throws IdempotencyRecordUnreadableException when {@code stored} is not this form (a record written by a typed
     *                                              handler with the same key scope, say)
     */
    static byte[] decode(JsonNode stored, String recordId) {
        if (stored != null && stored.isObject() && stored.size() == 1) {
            JsonNode text = stored.get(TEXT);
            if (text != null && text.isTextual()) {
                return text.textValue().getBytes(StandardCharsets.UTF_8);
            }
            JsonNode base64 = stored.get(BASE64);
            if (base64 != null && base64.isTextual()) {
                try {
                    return Base64.getDecoder().decode(base64.textValue());
                } catch (IllegalArgumentException e) {
                    throw unreadable(recordId, "its " + BASE64 + " is not base64", e);
                }
            }
        }
        throw unreadable(recordId, "it is not a stream handler's output ({\"" + TEXT + "\":...} or {\"" + BASE64
                + "\":...})", null);
    }

    private static IdempotencyRecordUnreadableException unreadable(String recordId, String why, Throwable cause) {
        return new IdempotencyRecordUnreadableException("the stored result of record " + recordId + " cannot be "
                + "replayed as stream output: " + why, recordId, cause);
    }
}
