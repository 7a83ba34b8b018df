package dev.lambdaidempotency;

import dev.lambdaidempotency.spi.ResultPointer;
import java.time.Instant;
import java.util.Objects;

/**
 * The answer to {@link IdempotentOperation#admit}: either this call now holds the key and the operation is to run
 * later, under the returned claim, with {@link IdempotentOperation#resume}; or an earlier execution's result is
 * recorded and is replayed.
 *
 * <pre>{@code
 * Admission<Report> admission = reports.admit(requestId, request, Duration.ofMinutes(15));
 * if (admission instanceof Admission.Claimed<Report> claimed) {
 *     queue.send(new Job(requestId, request, claimed.claimToken())); // the worker calls reports.resume(...)
 *     return accepted();
 * }
 * return ok(((Admission.Recorded<Report>) admission).execution().result());
 * }</pre>
 *
 * @param <T> the result type
 */
public sealed interface Admission<T> {

    /**
     * This call claimed the key; nothing ran yet. Hand {@code claimToken} to whatever runs the operation.
     *
     * @param claimToken     the claim's owner token: the fence that {@link IdempotentOperation#resume} runs under.
     *                       A secret of the system (it lets its holder complete the claim): never send it to a client
     * @param leaseExpiresAt when the claim lapses if no worker completes it; a request after that claims the key
     *                       again
     * @param <T>            the result type
     */
    record Claimed<T>(String claimToken, Instant leaseExpiresAt) implements Admission<T> {
        /**
         * Validates the parts.
         *
         * @param claimToken     see the record description
         * @param leaseExpiresAt see the record description
         */
        public Claimed {
            Objects.requireNonNull(claimToken, "claimToken");
            Objects.requireNonNull(leaseExpiresAt, "leaseExpiresAt");
        }
    }

    /**
     * The key's operation completed earlier: its recorded result, replayed.
     *
     * @param execution   the replay ({@link Execution.Kind#REPLAYED})
     * @param offloadedTo where the result's serialized form lives when it was offloaded to the result store (read
     *                    back and verified against its checksum to make {@code execution}), or {@code null} when it
     *                    is kept in the record
     * @param <T>         the result type
     */
    record Recorded<T>(Execution<T> execution, ResultPointer offloadedTo) implements Admission<T> {
        /**
         * Validates that the execution is present.
         *
         * @param execution   see the record description
         * @param offloadedTo see the record description
         */
        public Recorded {
            Objects.requireNonNull(execution, "execution");
        }
    }
}
