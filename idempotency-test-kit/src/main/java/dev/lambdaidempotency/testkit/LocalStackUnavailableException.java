package dev.lambdaidempotency.testkit;

/**
 * LocalStack was asked for and cannot be had. It carries no stack trace: the message says everything, and the test
 * report shows one line per test class instead of a trace per test.
 */
final class LocalStackUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LocalStackUnavailableException(String message) {
        super(message, null, false, false);
    }
}
