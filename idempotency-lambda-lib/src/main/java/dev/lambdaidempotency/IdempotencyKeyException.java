package dev.lambdaidempotency;

/**
 * The request has no usable idempotency key: it is missing or blank, it is too large, or the event could not be
 * read to find it or the validated payload (a {@code body} that is not JSON, say, or one marked
 * {@code isBase64Encoded} that is not base64). Nothing was run and nothing was stored.
 */
public final class IdempotencyKeyException extends IdempotencyException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** Why the key is unusable. */
    public enum Reason {
        /** The key selection found nothing, {@code null}, or an empty value. */
        MISSING,
        /** The key is larger than the configured maximum. */
        TOO_LARGE,
        /**
         * The event, or a string on the key's or validated payload's path, could not be read: not JSON, or a
         * {@code body} marked {@code isBase64Encoded} that is not base64 or (with a path going into it) not text.
         */
        UNREADABLE_EVENT
    }

    /** Why the key is unusable. */
    private final Reason reason;

    /**
     * @param reason  why the key is unusable
     * @param message details for the caller and operators (never the key's value)
     * @param cause   the parse error, or {@code null}
     */
    public IdempotencyKeyException(Reason reason, String message, Throwable cause) {
        super(message, null, cause);
        this.reason = reason;
    }

    /**
     * Why the key is unusable.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }
}
