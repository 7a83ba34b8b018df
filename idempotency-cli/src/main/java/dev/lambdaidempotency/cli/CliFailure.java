package dev.lambdaidempotency.cli;

/** Ends a command with a message on stderr and an exit status from {@link ExitCodes}. */
final class CliFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    CliFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
