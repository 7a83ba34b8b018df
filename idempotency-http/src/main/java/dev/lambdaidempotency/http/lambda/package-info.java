/**
 * The production {@link dev.lambdaidempotency.http.AsyncDispatcher}: an asynchronous invocation of the function
 * itself. Needs {@code software.amazon.awssdk:lambda} on the classpath (an optional dependency of this module).
 */
package dev.lambdaidempotency.http.lambda;
