package dev.lambdaidempotency.examples.orders;

import java.util.List;

/**
 * An order, as carried in an SQS message body.
 *
 * @param orderId    the business key: the same order sent twice is the same order
 * @param customerId who ordered
 * @param currency   ISO 4217 code
 * @param lines      what was ordered
 */
public record Order(String orderId, String customerId, String currency, List<OrderLine> lines) {
    /** Freezes the lines. */
    public Order {
        lines = lines == null ? List.of() : List.copyOf(lines);
    }

    /**
     * The order total.
     *
     * @return the sum of quantity times unit price, in minor units
     */
    public long total() {
        return lines.stream().mapToLong(line -> line.quantity() * line.unitPrice()).sum();
    }
}
