package dev.lambdaidempotency.cli;

/** The CLI's exit statuses, as documented in its usage help and the README. */
final class ExitCodes {
    static final int OK = 0;
    /** No record for the id or key (never seen, or expired and swept). */
    static final int NOT_FOUND = 1;
    /** Bad arguments (picocli's own usage status). */
    static final int USAGE = 2;
    /** A mutation refused: by a safety rule, by the operator at the prompt, or by the table's fence. */
    static final int REFUSED = 3;
    /** DynamoDB or S3 could not be reached, refused the credentials, or failed. */
    static final int BACKEND = 4;
    /** inspect: the record exists but its offloaded result is missing or does not match its checksum. */
    static final int RESULT_DAMAGED = 5;

    static final String HELP = "%nExit status: 0 ok, 1 not found, 2 usage, 3 refused or conflict, 4 backend error, "
            + "5 offloaded result missing or corrupt (inspect).";

    private ExitCodes() {
    }
}
