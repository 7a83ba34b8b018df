/**
 * The functions the benchmarks compare: a bare handler, the raw-SDK floor (the same DynamoDB requests the library
 * sends, issued directly), and a cold-start probe that times a fresh JVM up to the end of its first invocation.
 */
package dev.lambdaidempotency.benchmarks.function;
