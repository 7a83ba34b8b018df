package dev.lambdaidempotency.examples.payment;

/** A request body that cannot become a payment; answered with 400 and never claims an idempotency key. */
public final class InvalidPaymentRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, safe to show to the client
     */
    public InvalidPaymentRequestException(String message) {
        super(message);
    }
}
