package dev.lambdaidempotency.internal;

import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.spi.ResultCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a stream handler's output bytes are kept in a record (inline or offloaded alike): a one-member JSON object,
 * {@code {"output_text":"..."}} when the bytes are valid UTF-8 (JSON or not: the text as a JSON string, which gives
 * back exactly those bytes), else {@code {"output_base64":"..."}} (standard alphabet, padded). Never re-serialized
 * from a parse of the output, so a replay writes the very bytes the handler wrote. Uses its own codec: the stored
 * form does not depend on the application's JSON settings.
 */
final class StreamOutputCodec {
    static final String TEXT = "output_text";
    static final String BASE64 = "output_base64";

    /** The engine's codec for the stored form. */
    static final ResultCodec.Binding<JsonValue> CODEC = new ResultCodec.Binding<>() {
        @Override
        public byte[] encode(JsonValue value) {
            return JsonText.write(value);
        }

        @Override
        public JsonValue decode(byte[] json) throws IOException {
            try {
                return JsonText.parse(json);
            } catch (JsonText.MalformedJsonException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    };

    private StreamOutputCodec() {
    }

    /** The stored form of {@code output}. */
    static JsonValue encode(byte[] output) {
        Map<String, JsonValue> stored = new LinkedHashMap<>(2);
        try {
            // a fresh decoder reports malformed input instead of replacing it, as new String(bytes, UTF_8) would
            stored.put(TEXT, JsonValue.of(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(output))
                    .toString()));
        } catch (CharacterCodingException notUtf8) {
            stored.put(BASE64, JsonValue.of(Base64.getEncoder().encodeToString(output)));
        }
        return new JsonValue.Obj(stored);
    }

    /**
     * The output bytes kept in {@code stored}.
     *
     * @throws IdempotencyResultUnavailableException when {@code stored} is not this form (a record written by a typed
     *                                               handler with the same key scope, say): the record is completed,
     *                                               so nothing runs again
     */
    static byte[] decode(JsonValue stored, String recordId) {
        if (stored instanceof JsonValue.Obj object && object.members().size() == 1) {
            JsonValue text = stored.get(TEXT);
            if (text != null && text.isText()) {
                return text.text().getBytes(StandardCharsets.UTF_8);
            }
            JsonValue base64 = stored.get(BASE64);
            if (base64 != null && base64.isText()) {
                try {
                    return Base64.getDecoder().decode(base64.text());
                } catch (IllegalArgumentException e) {
                    throw unavailable(recordId, "its " + BASE64 + " is not base64", e);
                }
            }
        }
        throw unavailable(recordId, "it is not a stream handler's output ({\"" + TEXT + "\":...} or {\"" + BASE64
                + "\":...})", null);
    }

    private static IdempotencyResultUnavailableException unavailable(String recordId, String why, Throwable cause) {
        return new IdempotencyResultUnavailableException("the operation for " + recordId + " already completed; it "
                + "is not run again, but its stored result cannot be replayed as stream output: " + why, recordId,
                cause);
    }
}
