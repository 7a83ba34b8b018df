/**
 * How the sample functions reach AWS ({@link dev.lambdaidempotency.examples.wiring.FunctionWiring}): SDK clients and
 * stores made once per execution environment from the library's defaults and environment variables, and the
 * idempotency instances made from them.
 */
package dev.lambdaidempotency.examples.wiring;
