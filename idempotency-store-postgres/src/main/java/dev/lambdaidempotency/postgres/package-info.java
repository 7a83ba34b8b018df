/**
 * The PostgreSQL store: {@link dev.lambdaidempotency.postgres.PostgresIdempotencyStore}, an
 * {@link dev.lambdaidempotency.spi.IdempotencyStore} over plain JDBC, with a transactional mode that writes the
 * completion in the same transaction as the business write. An optional module: it depends on the library's public
 * API and SPI, never the other way round.
 */
package dev.lambdaidempotency.postgres;
