package dev.lambdaidempotency.examples.orders;

/**
 * The idempotent result of processing an order. A new {@link #fulfilmentId()} per execution makes a double
 * execution visible.
 *
 * @param orderId      the order
 * @param fulfilmentId {@code ful_} and 32 random hex digits
 * @param itemCount    units ordered
 * @param total        in minor units
 * @param currency     ISO 4217 code
 * @param processedAt  ISO-8601 instant of the execution
 */
public record OrderConfirmation(String orderId, String fulfilmentId, int itemCount, long total, String currency,
        String processedAt) {
}
