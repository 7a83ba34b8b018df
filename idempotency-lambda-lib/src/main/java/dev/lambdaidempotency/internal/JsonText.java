package dev.lambdaidempotency.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonGenerator;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;

/**
 * Reads and writes JSON text as {@link JsonValue}s. The one class that touches a streaming JSON parser: the AWS
 * SDK's relocated jackson-core ({@code software.amazon.awssdk:third-party-jackson-core}), which every function that
 * uses the DynamoDB client already carries and loads (see docs/decisions.md, "JSON on the core path"). Thread-safe.
 */
public final class JsonText {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonText() {
    }

    /** The text is not exactly one JSON value. */
    public static final class MalformedJsonException extends Exception {
        /** Serialization version. */
        private static final long serialVersionUID = 1L;

        MalformedJsonException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Parses exactly one JSON value (anything after it but whitespace is an error); floats are read as exact
     * decimals.
     *
     * @param json the text
     * @return its value; {@link JsonValue#MISSING} when the text is empty or only whitespace
     * @throws MalformedJsonException when it is not JSON
     */
    public static JsonValue parse(String json) throws MalformedJsonException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            return parse(parser);
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    /**
     * {@link #parse(String)} on UTF-8 (or UTF-16/32, detected) bytes.
     *
     * @param json the bytes
     * @return its value; {@link JsonValue#MISSING} when there is nothing but whitespace
     * @throws MalformedJsonException when it is not JSON
     */
    public static JsonValue parse(byte[] json) throws MalformedJsonException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            return parse(parser);
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    private static MalformedJsonException malformed(IOException e) {
        return new MalformedJsonException(e.getMessage(), e);
    }

    private static JsonValue parse(JsonParser parser) throws IOException, MalformedJsonException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            return JsonValue.MISSING;
        }
        JsonValue value = read(parser, first);
        JsonToken trailing = parser.nextToken();
        if (trailing != null) {
            throw new MalformedJsonException("trailing token " + trailing + " after the JSON value at "
                    + parser.currentLocation(), null);
        }
        return value;
    }

    private static JsonValue read(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT: {
                Map<String, JsonValue> members = new LinkedHashMap<>();
                for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                    members.put(name, read(parser, parser.nextToken()));
                }
                return new JsonValue.Obj(members);
            }
            case START_ARRAY: {
                List<JsonValue> items = new ArrayList<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    items.add(read(parser, next));
                }
                return new JsonValue.Arr(items);
            }
            case VALUE_STRING:
                return new JsonValue.Str(parser.getText());
            case VALUE_NUMBER_INT:
                return new JsonValue.Num(parser.getNumberValue());
            case VALUE_NUMBER_FLOAT:
                return new JsonValue.Num(parser.getDecimalValue());
            case VALUE_TRUE:
                return JsonValue.TRUE;
            case VALUE_FALSE:
                return JsonValue.FALSE;
            case VALUE_NULL:
                return JsonValue.NULL;
            default:
                throw new IOException("unexpected " + token + " at " + parser.currentLocation());
        }
    }

    /**
     * Writes {@code value} as compact JSON text in UTF-8 (members in their order; {@link JsonValue#MISSING} as
     * {@code null}; {@link JsonValue.Bytes} as a base64 string).
     *
     * @param value the value
     * @return the UTF-8 bytes
     */
    public static byte[] write(JsonValue value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            write(value, generator);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON into memory failed", e);
        }
        return out.toByteArray();
    }

    private static void write(JsonValue value, JsonGenerator out) throws IOException {
        if (value instanceof JsonValue.Obj object) {
            out.writeStartObject();
            for (Map.Entry<String, JsonValue> member : object.members().entrySet()) {
                out.writeFieldName(member.getKey());
                write(member.getValue(), out);
            }
            out.writeEndObject();
        } else if (value instanceof JsonValue.Arr array) {
            out.writeStartArray();
            for (JsonValue item : array.items()) {
                write(item, out);
            }
            out.writeEndArray();
        } else if (value instanceof JsonValue.Str string) {
            out.writeString(string.value());
        } else if (value instanceof JsonValue.Num number) {
            writeNumber(number.value(), out);
        } else if (value instanceof JsonValue.Bytes bytes) {
            out.writeBinary(bytes.bytes());
        } else if (value == JsonValue.TRUE || value == JsonValue.FALSE) {
            out.writeBoolean(value == JsonValue.TRUE);
        } else {
            out.writeNull();
        }
    }

    private static void writeNumber(Number n, JsonGenerator out) throws IOException {
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
            out.writeNumber(n.longValue());
        } else if (n instanceof BigInteger big) {
            out.writeNumber(big);
        } else if (n instanceof BigDecimal decimal) {
            out.writeNumber(decimal);
        } else if (n instanceof Float f) {
            out.writeNumber(f.floatValue());
        } else {
            out.writeNumber(n.doubleValue());
        }
    }
}
