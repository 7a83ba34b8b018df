/**
 * The benchmark harness: warm per-invocation cost against the raw-SDK floor, contention on one key, cold start in
 * fresh JVMs, deployable jar size; writes {@code docs/benchmarks.md}. Entry point {@link BenchmarkMain}.
 */
package dev.lambdaidempotency.benchmarks.runner;
