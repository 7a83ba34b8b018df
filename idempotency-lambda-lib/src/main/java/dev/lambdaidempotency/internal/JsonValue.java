package dev.lambdaidempotency.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * An immutable JSON value: what key selection, canonical hashing and the stored forms work on. Objects keep their
 * members in a map that no one modifies after construction (the last of duplicate names wins, as in the JSON
 * parsers we replace); numbers keep the exact value they were read or converted from.
 */
public sealed interface JsonValue {
    /** {@code null} in JSON. */
    JsonValue NULL = Literal.NULL;
    /** {@code true}. */
    JsonValue TRUE = Literal.TRUE;
    /** {@code false}. */
    JsonValue FALSE = Literal.FALSE;
    /** What a path that finds nothing selects; hashed as {@code null}. */
    JsonValue MISSING = Literal.MISSING;

    /**
     * The member {@code name} of an object.
     *
     * @param name member name
     * @return the member, or {@code null} when this is not an object or has no such member
     */
    default JsonValue get(String name) {
        return this instanceof Obj object ? object.members().get(name) : null;
    }

    /**
     * The element {@code index} of an array.
     *
     * @param index zero-based
     * @return the element, or {@code null} when this is not an array or it is too short
     */
    default JsonValue get(int index) {
        return this instanceof Arr array && index < array.items().size() ? array.items().get(index) : null;
    }

    /**
     * Whether this is a string.
     *
     * @return true for {@link Str}
     */
    default boolean isText() {
        return this instanceof Str;
    }

    /**
     * The string's text.
     *
     * @return the text, or {@code null} when this is not a string
     */
    default String text() {
        return this instanceof Str string ? string.value() : null;
    }

    /**
     * Whether this is {@code null} or {@link #MISSING}.
     *
     * @return true when there is no value
     */
    default boolean isNullOrMissing() {
        return this == NULL || this == MISSING;
    }

    /**
     * A boolean.
     *
     * @param value the value
     * @return {@link #TRUE} or {@link #FALSE}
     */
    static JsonValue of(boolean value) {
        return value ? TRUE : FALSE;
    }

    /**
     * A string.
     *
     * @param value the text (not null)
     * @return the value
     */
    static JsonValue of(String value) {
        return new Str(value);
    }

    /** An object; {@code members} is not modified afterwards. */
    record Obj(Map<String, JsonValue> members) implements JsonValue {
        /**
         * An object over {@code members}, which the caller hands over.
         *
         * @param members member names to values, not modified after this call
         */
        public Obj {
            members = Collections.unmodifiableMap(members);
        }
    }

    /** An array; {@code items} is not modified afterwards. */
    record Arr(List<JsonValue> items) implements JsonValue {
        /**
         * An array over {@code items}, which the caller hands over.
         *
         * @param items the elements, not modified after this call
         */
        public Arr {
            items = Collections.unmodifiableList(items);
        }
    }

    /** A string. */
    record Str(String value) implements JsonValue {
    }

    /**
     * A number: an {@link Integer}, {@link Long}, {@link BigInteger} or {@link BigDecimal} read from JSON, or any of
     * those, a {@link Double} or a {@link Float} converted from an object.
     */
    record Num(Number value) implements JsonValue {
    }

    /** The literals, and the absence of a value. */
    enum Literal implements JsonValue {
        /** {@code true}. */
        TRUE,
        /** {@code false}. */
        FALSE,
        /** {@code null}. */
        NULL,
        /** No value (a path found nothing). */
        MISSING
    }

    /**
     * Bytes that are not text: a decoded base64 body that is not UTF-8, or a stream handler's raw non-JSON input.
     * Hashed by the bytes themselves; no path selects inside them.
     */
    record Bytes(byte[] bytes) implements JsonValue {
        @Override
        public boolean equals(Object other) {
            return other instanceof Bytes that && Arrays.equals(bytes, that.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Bytes[" + bytes.length + " bytes]";
        }
    }
}
