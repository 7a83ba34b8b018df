package dev.lambdaidempotency.batch.readme;

/**
 * The README example's message body.
 *
 * @param orderId  the business key
 * @param quantity how many
 */
public record Order(String orderId, int quantity) {
}
