/**
 * The order consumer sample: an SQS-triggered function that processes each order at most once (keyed by the order
 * id in the message body, not the message id) and reports partial batch failures.
 */
package dev.lambdaidempotency.examples.orders;
