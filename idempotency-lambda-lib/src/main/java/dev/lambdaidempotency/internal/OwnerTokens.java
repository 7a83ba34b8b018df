package dev.lambdaidempotency.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Claim owner tokens: 128 random bits as 32 hex characters. They fence writes, they are not secrets, so a
 * non-blocking generator is enough (and costs no cold-start entropy gathering).
 */
public final class OwnerTokens {
    private OwnerTokens() {
    }

    /**
     * A new token.
     *
     * @return 32 lowercase hex characters
     */
    public static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return hex16(random.nextLong()) + hex16(random.nextLong());
    }

    private static String hex16(long value) {
        String hex = Long.toHexString(value);
        return hex.length() == 16 ? hex : "0".repeat(16 - hex.length()) + hex;
    }
}
