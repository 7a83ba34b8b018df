package dev.lambdaidempotency.http.readme;

/** The README example's validation failure. */
public final class InvalidOrderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong
     */
    public InvalidOrderException(String message) {
        super(message);
    }
}
