package dev.lambdaidempotency.internal;

import java.util.UUID;

/**
 * Claim owner tokens: 122 random bits from {@link UUID#randomUUID()} as 32 hex characters.
 *
 * <p>The source must be {@link java.security.SecureRandom}: with Lambda SnapStart, every execution environment
 * resumes from one memory snapshot, and a generator whose state lives in that snapshot ({@code ThreadLocalRandom},
 * {@code java.util.Random}) would hand the same token sequence to all of them — two invocations with equal tokens
 * would each take the other's claim for its own. {@code SecureRandom} is reseeded by the Java runtime after a
 * restore.
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
        UUID uuid = UUID.randomUUID();
        return hex16(uuid.getMostSignificantBits()) + hex16(uuid.getLeastSignificantBits());
    }

    private static String hex16(long value) {
        String hex = Long.toHexString(value);
        return hex.length() == 16 ? hex : "0".repeat(16 - hex.length()) + hex;
    }
}
