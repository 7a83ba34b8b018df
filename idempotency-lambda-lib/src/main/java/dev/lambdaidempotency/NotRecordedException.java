package dev.lambdaidempotency;

/**
 * Thrown by an operation that answered, on purpose, with an outcome that must not be recorded: the claim is released
 * (a retry with the same key runs the operation again), this exception passes through unchanged to the caller, and
 * the invocation is counted as {@link dev.lambdaidempotency.spi.InvocationMetrics.Outcome#NOT_RECORDED} instead of
 * {@link dev.lambdaidempotency.spi.InvocationMetrics.Outcome#HANDLER_ERROR}, so that metrics tell "the operation
 * crashed" from "the operation answered with something not worth replaying".
 *
 * <p>Adapters extend it to carry their answer; the HTTP adapter throws one for a response it does not record (a
 * 5xx, and a 4xx unless client errors are stored) and returns that response. For example:
 *
 * <pre>{@code
 * final class Declined extends NotRecordedException {
 *     final Receipt receipt;
 *     Declined(Receipt receipt) { super("declined, not recorded"); this.receipt = receipt; }
 * }
 * try {
 *     return operation.execute(key, payload, context, () -> {
 *         Receipt receipt = charge(order);
 *         if (receipt.retryable()) throw new Declined(receipt); // the key stays free
 *         return receipt;
 *     }).result();
 * } catch (Declined declined) {
 *     return declined.receipt;
 * }
 * }</pre>
 *
 * <p>It has no stack trace of its own (it carries an answer, not a failure) and is not an
 * {@link IdempotencyException}: the idempotency layer did not fail.
 */
public class NotRecordedException extends RuntimeException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was not recorded and why (never a payload or a key: it may be logged)
     */
    public NotRecordedException(String message) {
        super(message, null, false, false);
    }
}
