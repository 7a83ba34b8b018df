/**
 * Test support for handlers built on lambda-idempotency: real, embedded AWS back ends (DynamoDB Local and an
 * S3-compatible server, started in the test JVM on loopback ports), LocalStack when a Docker engine or a running
 * endpoint is available, a JUnit 5 extension that manages them, request counting, and thread-safe in-memory
 * implementations of the library's SPI for fast unit tests; and a real PostgreSQL server ({@link
 * dev.lambdaidempotency.testkit.PostgresServer}) for the PostgreSQL store.
 */
package dev.lambdaidempotency.testkit;
