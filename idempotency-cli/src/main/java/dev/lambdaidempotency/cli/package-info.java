/**
 * The operator's command line for the idempotency table ({@link dev.lambdaidempotency.cli.IdempotencyCli}): inspect
 * a request's record, list stuck claims, release one, table statistics. Built on the library's public API (record
 * ids, record decoding, the fenced release), never on a re-implementation of it.
 */
package dev.lambdaidempotency.cli;
