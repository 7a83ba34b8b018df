package dev.lambdaidempotency.examples.orders;

/**
 * One line of an order.
 *
 * @param sku       the product
 * @param quantity  positive
 * @param unitPrice in minor units
 */
public record OrderLine(String sku, int quantity, long unitPrice) {
}
