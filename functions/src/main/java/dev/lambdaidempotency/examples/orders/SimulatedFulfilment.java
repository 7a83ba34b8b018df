package dev.lambdaidempotency.examples.orders;

import java.time.Clock;
import java.util.Objects;
import java.util.UUID;

/** Stands in for a fulfilment service: every call books a new fulfilment with a fresh id. Thread-safe. */
public final class SimulatedFulfilment implements OrderFulfilment {
    private final Clock clock;

    /**
     * @param clock stamps {@code processedAt}
     */
    public SimulatedFulfilment(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public OrderConfirmation fulfil(Order order) {
        int items = order.lines().stream().mapToInt(OrderLine::quantity).sum();
        return new OrderConfirmation(order.orderId(), "ful_" + UUID.randomUUID().toString().replace("-", ""), items,
                order.total(), order.currency(), clock.instant().toString());
    }
}
