package dev.lambdaidempotency.http;

import java.util.Objects;

/**
 * An RFC 9457 problem detail, the body of every error response of {@link IdempotentHttp} (media type
 * {@value #MEDIA_TYPE}). Problem types are URNs, {@code urn:lambda-idempotency:problem:<slug>}: stable identifiers a
 * client can switch on, not links. The adapter's own types are the constants of this class; a user's exception
 * mapping ({@link IdempotentHttp.Builder#onException}) may use them or its own.
 *
 * <pre>{@code
 * .onException(InvalidOrderException.class, e -> Problem.of("invalid-request", "Invalid order", 400, e.getMessage()))
 * }</pre>
 *
 * @param type   the problem type URI
 * @param title  short, the same for every occurrence of the type
 * @param status the HTTP status, 400-599
 * @param detail this occurrence, safe to show to the client (never a stack trace), or {@code null}
 */
public record Problem(String type, String title, int status, String detail) {
    /** The media type of problem bodies. */
    public static final String MEDIA_TYPE = "application/problem+json";
    /** The prefix of the problem types defined here; {@link #of} puts a slug after it. */
    public static final String TYPE_PREFIX = "urn:lambda-idempotency:problem:";

    /** 400: the request has no {@code Idempotency-Key} header (or an empty one). */
    public static final String KEY_MISSING = TYPE_PREFIX + "idempotency-key-missing";
    /** 400: the key is longer than the core's {@code maxKeyBytes} (default 1024 UTF-8 bytes). */
    public static final String KEY_TOO_LARGE = TYPE_PREFIX + "idempotency-key-too-large";
    /** 400: the header carries several different keys (repeated header lines or a comma-separated list). */
    public static final String KEY_INVALID = TYPE_PREFIX + "idempotency-key-invalid";
    /** 400: the request cannot be read (a body flagged base64 that is not base64, say). */
    public static final String INVALID_REQUEST = TYPE_PREFIX + "invalid-request";
    /** 409: the first request with this key has not finished; the response carries {@code Retry-After}. */
    public static final String REQUEST_IN_PROGRESS = TYPE_PREFIX + "request-in-progress";
    /** 422: the key was used before for a request with another fingerprint (body, and method and path if on). */
    public static final String KEY_REUSED = TYPE_PREFIX + "idempotency-key-reused";
    /** 500: the handler failed (default mapping of its exceptions), or the idempotency layer failed for good. */
    public static final String INTERNAL_ERROR = TYPE_PREFIX + "internal-error";
    /** 503: the idempotency store failed or throttled; retry with the same key after {@code Retry-After}. */
    public static final String TEMPORARILY_UNAVAILABLE = TYPE_PREFIX + "temporarily-unavailable";
    /**
     * {@code 500}: the adapter gives each caller its own key space ({@link IdempotentHttp.Builder#scopedBy(Caller)})
     * and the request carries no caller where the {@link Caller} reads it: a route that is not behind the authorizer
     * the configuration assumes. Nothing was processed.
     */
    public static final String CALLER_UNKNOWN = TYPE_PREFIX + "caller-unknown";
    /**
     * {@code 500}: the request with this key was processed, but its recorded response cannot be read back; resending
     * it under a new key would process it again.
     */
    public static final String RESPONSE_UNAVAILABLE = TYPE_PREFIX + "response-unavailable";

    /**
     * Validates the fields.
     *
     * @param type   see the record description
     * @param title  see the record description
     * @param status see the record description
     * @param detail see the record description
     */
    public Problem {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(title, "title");
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a problem's status must be 400-599, was " + status);
        }
    }

    /**
     * A problem of type {@code urn:lambda-idempotency:problem:<slug>}.
     *
     * @param slug   the type's last segment, e.g. {@code invalid-request}
     * @param title  the type's title
     * @param status the HTTP status, 400-599
     * @param detail this occurrence, or {@code null}
     * @return the problem
     */
    public static Problem of(String slug, String title, int status, String detail) {
        return new Problem(TYPE_PREFIX + Objects.requireNonNull(slug, "slug"), title, status, detail);
    }
}
