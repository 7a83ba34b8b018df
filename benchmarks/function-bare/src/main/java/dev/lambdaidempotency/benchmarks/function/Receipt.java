package dev.lambdaidempotency.benchmarks.function;

/**
 * The benchmark handler's response.
 *
 * @param orderId     the order the event named
 * @param status      always {@code PAID}
 * @param amountCents the event's amount
 * @param detail      padding that makes large results (offload cases), or {@code null}
 */
public record Receipt(String orderId, String status, long amountCents, String detail) {
}
