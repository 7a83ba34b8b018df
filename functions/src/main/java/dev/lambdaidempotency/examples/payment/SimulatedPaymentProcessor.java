package dev.lambdaidempotency.examples.payment;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * Stands in for a payment service provider: every call creates a payment with a fresh random id, after an optional
 * simulated response time. Ids come from {@link UUID#randomUUID()} ({@code SecureRandom}), which stays unique across
 * SnapStart restores. Thread-safe.
 */
public final class SimulatedPaymentProcessor implements PaymentProcessor {
    private final Clock clock;
    private final Duration latency;

    /**
     * A provider that answers at once.
     *
     * @param clock stamps {@code createdAt}
     */
    public SimulatedPaymentProcessor(Clock clock) {
        this(clock, Duration.ZERO);
    }

    /**
     * @param clock   stamps {@code createdAt}
     * @param latency how long each charge takes (a real provider takes hundreds of milliseconds)
     */
    public SimulatedPaymentProcessor(Clock clock, Duration latency) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.latency = Objects.requireNonNull(latency, "latency");
    }

    @Override
    public Payment charge(PaymentRequest request) {
        if (!latency.isZero()) {
            try {
                Thread.sleep(latency.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the payment provider", e);
            }
        }
        String id = "pay_" + UUID.randomUUID().toString().replace("-", "");
        return new Payment(id, "succeeded", request.amount(), request.currency(), request.customerId(),
                request.description(), clock.instant().toString());
    }
}
