package dev.lambdaidempotency.examples.payment;

/** Charges a customer: the side effect that must happen at most once per idempotency key. */
@FunctionalInterface
public interface PaymentProcessor {
    /**
     * Creates a payment.
     *
     * @param request the validated request
     * @return the created payment, with a new id
     */
    Payment charge(PaymentRequest request);
}
