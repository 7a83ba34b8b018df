package dev.lambdaidempotency.examples.payment;

/**
 * A created payment: the idempotent result of {@code POST /payments}, stored for replay and sent as the response
 * body. Every execution creates a new {@link #id()}, so a second execution would be visible as a second id.
 *
 * @param id          {@code pay_} and 32 random hex digits
 * @param status      {@code succeeded}
 * @param amount      in minor units (cents)
 * @param currency    ISO 4217 code
 * @param customerId  the paying customer
 * @param description free text, or {@code null}
 * @param createdAt   ISO-8601 instant of the execution
 */
public record Payment(String id, String status, long amount, String currency, String customerId, String description,
        String createdAt) {
}
