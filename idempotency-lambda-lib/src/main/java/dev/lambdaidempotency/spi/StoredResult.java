package dev.lambdaidempotency.spi;

import java.util.Objects;

/**
 * What a completed record holds in place of the operation's result: the serialized JSON itself, a pointer to an
 * offloaded copy, or the reason it is unavailable (the operation ran, but its result could not be kept).
 */
public sealed interface StoredResult {

    /**
     * The serialized result, stored in the record.
     *
     * @param json the result as JSON text
     */
    record Inline(String json) implements StoredResult {
        /**
         * Validates that the JSON is present.
         *
         * @param json see the record description
         */
        public Inline {
            Objects.requireNonNull(json, "json");
        }
    }

    /**
     * The result lives in a {@link ResultStore}; the record keeps only where.
     *
     * @param pointer where the stored bytes are
     */
    record Offloaded(ResultPointer pointer) implements StoredResult {
        /**
         * Validates that the pointer is present.
         *
         * @param pointer see the record description
         */
        public Offloaded {
            Objects.requireNonNull(pointer, "pointer");
        }
    }

    /**
     * The operation completed but its result was not stored. Repeats are refused with
     * {@link dev.lambdaidempotency.IdempotencyResultUnavailableException} rather than executed again.
     *
     * @param reason a short, operator-facing explanation (never payload data)
     */
    record Unavailable(String reason) implements StoredResult {
        /**
         * Validates that the reason is present.
         *
         * @param reason see the record description
         */
        public Unavailable {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
