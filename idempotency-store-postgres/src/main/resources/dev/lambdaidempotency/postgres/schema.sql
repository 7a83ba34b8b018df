-- Idempotency records of dev.lambdaidempotency.postgres.PostgresIdempotencyStore (table layout version 1).
--
-- Run it once with the application's migrations (Flyway, Liquibase, psql -f), or let
-- PostgresIdempotencyStore.createTableIfMissing() run it; both are idempotent (IF NOT EXISTS). For another table name,
-- replace "idempotency" below (the store's tableName(...) must then say the same); createTableIfMissing() does that
-- itself.
--
-- Times are whole numbers, as in the DynamoDB store, so that both stores decide at the same precision:
--   expiration              epoch seconds: the record counts until that second has passed (claims with a later
--                           "now" may replace it; the sweep deletes it)
--   in_progress_expiration  epoch milliseconds: the claim's lease; after it another invocation may take over
--                           (IN_PROGRESS records only)
CREATE TABLE IF NOT EXISTS idempotency (
    id                      text   PRIMARY KEY,   -- the record id, format version 1: <scope>#<64 hex digits>
    status                  text   NOT NULL CHECK (status IN ('IN_PROGRESS', 'COMPLETED')),
    expiration              bigint NOT NULL,
    in_progress_expiration  bigint,
    validation              text,                 -- SHA-256 of the validated payload, when validation is on
    owner                   text   NOT NULL,      -- the claim's owner token: completion and release are fenced by it
    data                    text,                 -- the result, inline (JSON text)
    result_bucket           text,                 -- the result, offloaded: where (bucket and key), how many stored
    result_key              text,                 --   bytes, their SHA-256, the decoded media type and the content
    result_size             bigint,               --   encoding (identity or gzip)
    result_sha256           text,
    result_content_type     text,
    result_content_encoding text,
    result_unavailable      text,                 -- the result, unavailable: why
    CHECK (status = 'COMPLETED' OR in_progress_expiration IS NOT NULL)
);

-- The sweep (PostgresIdempotencyStore.sweepExpired, or the DELETE in the README run by pg_cron) finds expired
-- records through this index instead of reading the whole table.
CREATE INDEX IF NOT EXISTS idempotency_expiration_idx ON idempotency (expiration);
