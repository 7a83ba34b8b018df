/**
 * The DynamoDB implementation of {@link dev.lambdaidempotency.spi.IdempotencyStore}: one conditional
 * {@code PutItem} per claim, one fenced write per completion, one fenced {@code DeleteItem} per release.
 */
package dev.lambdaidempotency.dynamodb;
