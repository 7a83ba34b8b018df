package dev.lambdaidempotency.http.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Function;

/**
 * Gives each caller its own key space: the key handed to the core becomes {@code <sha256(caller) hex>:<key>}. The
 * hash has a fixed length, so the combination is unambiguous (no caller and key pair spells another's), and the
 * caller itself is never stored: the core hashes the whole combination into the record id. Immutable and
 * thread-safe.
 *
 * @param <I> the request event
 */
public final class CallerScope<I> {
    /** What the scoping adds to a key's length: 64 hex digits and a colon. */
    public static final int PREFIX_BYTES = 65;

    private final Function<I, String> reader;
    private final String description;

    /**
     * @param reader      reads the caller from an event; {@code null}, blank or a thrown exception is "unknown"
     * @param description where the caller is read, for log lines (never an identity)
     */
    public CallerScope(Function<I, String> reader, String description) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.description = Objects.requireNonNull(description, "description");
    }

    /**
     * The key in the caller's key space.
     *
     * @param event the request
     * @param key   the client's key
     * @return the scoped key, or {@code null} when the event carries no caller
     * @throws UnknownCaller when the reader failed
     */
    public String scopedKey(I event, String key) {
        String caller;
        try {
            caller = reader.apply(event);
        } catch (RuntimeException e) {
            throw new UnknownCaller(e.getClass().getName());
        }
        if (caller == null || caller.isBlank()) {
            return null;
        }
        return sha256(caller) + ":" + key;
    }

    /**
     * @return where the caller is read, e.g. {@code Caller[claim sub]}
     */
    public String description() {
        return description;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /**
     * The caller reader threw. Carries only the exception's class name: its message may quote the identity.
     */
    public static final class UnknownCaller extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnknownCaller(String exceptionType) {
            super("the caller reader threw " + exceptionType, null, false, false);
        }
    }
}
