/**
 * How the sample functions reach AWS: settings read once from the environment
 * ({@link dev.lambdaidempotency.examples.wiring.FunctionSettings}), SDK clients built once per execution environment
 * ({@link dev.lambdaidempotency.examples.wiring.FunctionWiring}), and the idempotency parts made from them.
 */
package dev.lambdaidempotency.examples.wiring;
