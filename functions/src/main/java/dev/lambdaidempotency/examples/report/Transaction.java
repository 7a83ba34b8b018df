package dev.lambdaidempotency.examples.report;

/**
 * One line of a statement.
 *
 * @param id       unique within the report
 * @param bookedOn ISO-8601 date
 * @param merchant counterparty
 * @param category spending category
 * @param amount   in minor units, negative for refunds
 */
public record Transaction(String id, String bookedOn, String merchant, String category, long amount) {
}
