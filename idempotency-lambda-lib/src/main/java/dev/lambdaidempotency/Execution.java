package dev.lambdaidempotency;

import java.time.Instant;
import java.util.Objects;

/**
 * A result together with how it was obtained: executed now, replayed from an earlier execution's record, or run
 * without idempotency (an event without a key under {@link MissingKeyPolicy#RUN_WITHOUT_IDEMPOTENCY}).
 *
 * <pre>{@code
 * Execution<Receipt> charged = charge.execute(orderId, order, context, () -> payments.charge(order));
 * if (charged.replayed()) {
 *     log.info("order " + orderId + " was already charged at " + charged.recordedAt());
 * }
 * }</pre>
 *
 * @param result     the live or replayed result (may be {@code null} when the operation returned {@code null})
 * @param kind       how the result was obtained
 * @param recordedAt for {@link Kind#REPLAYED}, when the first execution was recorded, to the second: derived from the
 *                   record's expiry and the configured {@code recordTtl} (the expiry runs from completion), so it is
 *                   exact unless {@code recordTtl} changed since; {@code null} for the other kinds
 * @param <T>        the result type
 */
public record Execution<T>(T result, Kind kind, Instant recordedAt) {

    /** How a result was obtained. */
    public enum Kind {
        /** The operation ran in this invocation and its result was recorded for repeats. */
        EXECUTED,
        /** An earlier execution's recorded result, returned without running the operation. */
        REPLAYED,
        /** The operation ran without idempotency: the event had no key and the policy allowed that. */
        EXECUTED_WITHOUT_KEY
    }

    /**
     * Validates the kind and its timestamp.
     *
     * @param result     see the record description
     * @param kind       see the record description
     * @param recordedAt see the record description
     */
    public Execution {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.REPLAYED) != (recordedAt != null)) {
            throw new IllegalArgumentException("recordedAt is given for replays and only for replays (kind " + kind
                    + ", recordedAt " + recordedAt + ")");
        }
    }

    /**
     * Whether the result is a replay of an earlier execution.
     *
     * @return {@code kind() == REPLAYED}
     */
    public boolean replayed() {
        return kind == Kind.REPLAYED;
    }

    /**
     * This execution with another result of the same kind (a response hook's way to decorate a response).
     *
     * @param other the new result
     * @param <R>   its type
     * @return a new execution
     */
    public <R> Execution<R> withResult(R other) {
        return new Execution<>(other, kind, recordedAt);
    }
}
