package dev.lambdaidempotency.examples.report;

import java.util.List;
import java.util.Map;

/**
 * A monthly statement: the idempotent result of the report function, several megabytes of JSON. A new
 * {@link #reportId()} and {@link #generatedAt()} per execution make a second generation visible.
 *
 * @param reportId         {@code rpt_} and 32 random hex digits
 * @param requestId        the request it answers
 * @param customerId       whose statement
 * @param period           the month
 * @param currency         ISO 4217 code of all amounts
 * @param generatedAt      ISO-8601 instant of the execution
 * @param transactionCount number of transactions
 * @param totalAmount      sum of all amounts
 * @param categoryTotals   sum per category
 * @param transactions     every transaction of the month
 */
public record Report(String reportId, String requestId, String customerId, String period, String currency,
        String generatedAt, int transactionCount, long totalAmount, Map<String, Long> categoryTotals,
        List<Transaction> transactions) {
}
