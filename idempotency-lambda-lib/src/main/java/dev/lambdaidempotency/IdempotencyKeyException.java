package dev.lambdaidempotency;

/**
 * The request has no usable idempotency key: it is missing or blank, it is too large, or the event could not be
 * read to find it (a {@code body} that is not JSON, say). Nothing was run and nothing was stored.
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
        /** The event (or a JSON-string field on the key's path) could not be read as JSON. */
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
