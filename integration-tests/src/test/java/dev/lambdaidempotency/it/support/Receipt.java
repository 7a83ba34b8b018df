package dev.lambdaidempotency.it.support;

import java.math.BigDecimal;
import java.util.List;

/**
 * A typed handler response, replayed through JSON.
 *
 * @param orderId the order
 * @param run     which execution of the handler produced it (1 for the first)
 * @param amount  an exact amount
 * @param lines   nested data
 */
public record Receipt(String orderId, int run, BigDecimal amount, List<String> lines) {
}
