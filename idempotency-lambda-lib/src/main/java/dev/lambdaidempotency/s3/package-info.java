/**
 * The S3 implementation of {@link dev.lambdaidempotency.spi.ResultStore}: results larger than the offload threshold
 * are written, gzip-compressed and encrypted at rest, to an object named after the hashed record id, and the
 * idempotency record keeps only a {@link dev.lambdaidempotency.spi.ResultPointer} (bucket, key, size, SHA-256).
 * Every read verifies size and checksum before the bytes are decoded.
 *
 * <p>Needs {@code software.amazon.awssdk:s3} on the classpath (an optional dependency of this library).
 */
package dev.lambdaidempotency.s3;
