package dev.lambdaidempotency.benchmarks.function;

/** The handler's own failure in the "handler throws" case. */
public final class PaymentDeclinedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param orderId the declined order
     */
    public PaymentDeclinedException(String orderId) {
        super("payment declined for order " + orderId, null, false, false);
    }
}
