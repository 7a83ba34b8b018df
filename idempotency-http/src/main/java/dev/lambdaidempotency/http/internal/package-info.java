/**
 * The HTTP adapter's machinery: reading the three event shapes, selecting the key, fingerprinting the request,
 * the stored response record and the flow around the core's {@code IdempotentOperation}. Not an API: it may change
 * in any release.
 */
package dev.lambdaidempotency.http.internal;
