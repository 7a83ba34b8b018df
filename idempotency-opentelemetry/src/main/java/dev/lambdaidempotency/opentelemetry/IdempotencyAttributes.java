package dev.lambdaidempotency.opentelemetry;

import java.util.Map;

/**
 * The OpenTelemetry attribute names of the idempotency lifecycle, on spans and on metrics. Every name lives in the
 * {@code idempotency.} namespace, lower case with underscores inside a segment, as the OpenTelemetry naming
 * guidelines ask of names outside the semantic conventions.
 *
 * <p>On spans, the X-Ray tracer's annotations and metadata map one to one: {@code idempotency_outcome} becomes
 * {@value #OUTCOME}, {@code idempotency_key_hash} becomes {@value #KEY_HASH_PREFIX}, {@code idempotency_scope}
 * becomes {@value #SCOPE}, and every metadata name {@code n} becomes {@code idempotency.n} (for example
 * {@code stored_as} becomes {@code idempotency.stored_as}).
 */
public final class IdempotencyAttributes {
    /** How the invocation ended: {@code new}, {@code replay}, {@code in_progress}, {@code mismatch},
     * {@code handler_error}, {@code not_recorded}, {@code error}, or {@code admitted} (the asynchronous mode's
     * request that claimed the key for a worker: {@code IdempotentOperation.admit}). On the {@code idempotency}
     * span. */
    public static final String OUTCOME = "idempotency.outcome";
    /** The first 12 hex digits of the key's SHA-256 hash (never the key). On the {@code idempotency} span. */
    public static final String KEY_HASH_PREFIX = "idempotency.key_hash_prefix";
    /** The record scope: function name, plus key space and operation when set. On the {@code idempotency} span and on
     * every metric (the one attribute, as {@code Scope} is the one EMF dimension). */
    public static final String SCOPE = "idempotency.scope";

    private static final String NAMESPACE = "idempotency.";
    private static final String X_RAY_PREFIX = "idempotency_";
    private static final Map<String, String> RENAMED = Map.of(
            "idempotency_outcome", OUTCOME,
            "idempotency_key_hash", KEY_HASH_PREFIX,
            "idempotency_scope", SCOPE);

    private IdempotencyAttributes() {
    }

    /** The attribute name of an annotation or metadata name the engine hands to a tracer. */
    static String name(String tracerKey) {
        String renamed = RENAMED.get(tracerKey);
        if (renamed != null) {
            return renamed;
        }
        return NAMESPACE + (tracerKey.startsWith(X_RAY_PREFIX) ? tracerKey.substring(X_RAY_PREFIX.length())
                : tracerKey);
    }
}
