package dev.lambdaidempotency.http.internal;

import com.amazonaws.services.lambda.runtime.Context;
import dev.lambdaidempotency.http.AsyncMode;
import dev.lambdaidempotency.http.Problem;
import java.util.function.BiFunction;

/**
 * The adapter's settings, as the handlers use them.
 *
 * @param keyHeader                   where the key is
 * @param fingerprint                 what a repeat must match
 * @param storeClientErrors           whether returned 4xx responses are recorded and replayed
 * @param inProgressRetryAfterSeconds {@code Retry-After} of a 409
 * @param unavailableRetryAfterSeconds {@code Retry-After} of a 503
 * @param exceptions                  the user's mapping of a handler's exception, {@code null} when unmapped
 * @param async                       the asynchronous mode, or {@code null} for the synchronous one
 */
public record HttpPolicy(KeyHeader keyHeader, Fingerprint fingerprint, boolean storeClientErrors,
        long inProgressRetryAfterSeconds, long unavailableRetryAfterSeconds,
        BiFunction<Exception, Context, Problem> exceptions, AsyncMode async) {

    /**
     * Whether a response the handler returned is recorded (and replayed to repeats) or its key released.
     *
     * @param status the response's status
     * @return true for 1xx-3xx, and 4xx when {@link #storeClientErrors()}; never for 5xx
     */
    public boolean records(int status) {
        return status < 400 || (status < 500 && storeClientErrors);
    }
}
