package dev.lambdaidempotency.examples.payment;

import java.time.Clock;
import java.util.Objects;
import java.util.UUID;

/**
 * Stands in for a payment service provider: every call creates a payment with a fresh random id. Ids come from
 * {@link UUID#randomUUID()} ({@code SecureRandom}), which stays unique across SnapStart restores. Thread-safe.
 */
public final class SimulatedPaymentProcessor implements PaymentProcessor {
    private final Clock clock;

    /**
     * @param clock stamps {@code createdAt}
     */
    public SimulatedPaymentProcessor(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Payment charge(PaymentRequest request) {
        String id = "pay_" + UUID.randomUUID().toString().replace("-", "");
        return new Payment(id, "succeeded", request.amount(), request.currency(), request.customerId(),
                request.description(), clock.instant().toString());
    }
}
