package dev.lambdaidempotency.examples.orders;

/** Fulfils an order (reserves stock, books shipping): the side effect that must happen at most once per order. */
@FunctionalInterface
public interface OrderFulfilment {
    /**
     * Fulfils an order.
     *
     * @param order the order
     * @return the confirmation
     */
    OrderConfirmation fulfil(Order order);
}
