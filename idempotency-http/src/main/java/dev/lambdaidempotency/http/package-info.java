/**
 * The HTTP adapter: {@link dev.lambdaidempotency.http.IdempotentHttp} implements the IETF {@code Idempotency-Key}
 * header for API Gateway (REST and HTTP APIs), Lambda Function URLs and ALB on top of the core's public API, with
 * RFC 9457 {@link dev.lambdaidempotency.http.Problem} bodies for every error.
 */
package dev.lambdaidempotency.http;
