/**
 * The payment API sample: {@code POST /payments} made idempotent by the {@code Idempotency-Key} request header,
 * with the HTTP semantics of the IETF draft "The Idempotency-Key HTTP Header Field" and RFC 9457 problem bodies.
 */
package dev.lambdaidempotency.examples.payment;
