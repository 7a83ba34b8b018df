package dev.lambdaidempotency.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * The id of an idempotency record: the partition key a store files it under and the name an offloaded result is
 * derived from. Record ids are how a retry finds the first execution's record, so their spelling is a persistent
 * format: it is versioned, and version 1 is pinned byte for byte by a regression test.
 *
 * <h2>Format version 1</h2>
 * <pre>{@code
 * <scope>#<key hash>
 * scope    = functionName [ "#" keySpace ] [ "#@" operationName ]
 * key hash = 64 lowercase hex digits: SHA-256 of the key's canonical JSON, version 1
 * }</pre>
 * for example {@code payments#00d5c8b71f851bbe47626a189b20fb19c11753e244bb658095c370ba3798f85c} (key {@code "o-1"})
 * or {@code payments#eu#@charge#00d5…f85c}. Function names, key spaces and operation names never contain
 * {@code #}, and only operation scopes contain {@code @}, so handler and operation ids never collide.
 *
 * <p><b>Canonical JSON, version 1</b> (also used for payload hashes): object members sorted by name in UTF-16
 * order; no insignificant whitespace; strings escaped minimally; numbers by value ({@code 1}, {@code 1.0},
 * {@code 1e0} are the same, a number never equals a string). It differs from RFC 8785 in number spelling and in
 * escaping lone surrogates. A key selected from an event that is a string holding a JSON object or array (an API
 * Gateway body) is hashed as that JSON; any other string, and every explicit operation key, as a JSON string.
 *
 * <h2>Versions</h2>
 * Version 1 ids carry no version marker: they are the ids the library wrote before the format had a number, and
 * they stay readable for as long as records live. The last segment of a version 1 id is exactly 64 lowercase hex
 * digits; a later version (a new canonical form, another hash) must mark its ids in that segment
 * ({@code <scope>#v<N>.<hash>}), so that no id of one version can equal an id of another, and must be introduced
 * while the previous version is still looked up until its records have expired: changing the spelling silently
 * would give every live record a new id and run every in-flight retry again.
 *
 * @param scope   the scope, without the trailing {@code #}
 * @param keyHash 64 lowercase hex digits
 */
public record RecordId(String scope, String keyHash) {
    /** The format version this library writes. */
    public static final int FORMAT_VERSION = 1;
    private static final int HASH_LENGTH = 64;

    /**
     * Validates the parts.
     *
     * @param scope   see the record description
     * @param keyHash see the record description
     * @throws IllegalArgumentException when the scope is empty or the hash is not 64 lowercase hex digits
     */
    public RecordId {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(keyHash, "keyHash");
        if (scope.isEmpty() || scope.startsWith("#") || scope.endsWith("#")) {
            throw new IllegalArgumentException("a record id scope must be non-empty and must not start or end with "
                    + "'#', was \"" + scope + "\"");
        }
        if (!isHash(keyHash)) {
            throw new IllegalArgumentException("a version 1 key hash is 64 lowercase hex digits, was \"" + keyHash
                    + "\"");
        }
    }

    /**
     * Reads an id written in format version 1.
     *
     * @param value the stored id
     * @return the id, or empty when {@code value} is not a version 1 id
     */
    public static Optional<RecordId> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        int separator = value.lastIndexOf('#');
        if (separator <= 0 || separator == value.length() - 1 || !isHash(value.substring(separator + 1))
                || value.charAt(separator - 1) == '#' || value.charAt(0) == '#') {
            return Optional.empty();
        }
        return Optional.of(new RecordId(value.substring(0, separator), value.substring(separator + 1)));
    }

    /**
     * The format version of this id.
     *
     * @return {@link #FORMAT_VERSION}
     */
    public int formatVersion() {
        return FORMAT_VERSION;
    }

    /**
     * The id as stored: {@code scope + "#" + keyHash}.
     *
     * @return the stored form
     */
    public String value() {
        return scope + "#" + keyHash;
    }

    /**
     * The first {@code digits} hex digits of the key hash, safe to log and to put in trace annotations.
     *
     * @param digits how many, at most 64
     * @return the prefix
     */
    public String shortKeyHash(int digits) {
        return keyHash.substring(0, Math.min(digits, HASH_LENGTH));
    }

    /** Returns {@link #value()}. */
    @Override
    public String toString() {
        return value();
    }

    private static boolean isHash(String s) {
        if (s.length() != HASH_LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
