package dev.lambdaidempotency.s3;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Object names for offloaded results. The name depends only on the hashed record id and the checksum of the stored
 * bytes, never on a raw key or payload:
 * {@code <prefix><scope as path>/<64-hex key hash>-<16 hex of the content SHA-256>.json[.gz]}, e.g.
 * {@code idempotency-results/payments/3f9a…c2-9b1e44d0a7f3c615.json.gz}.
 *
 * <p>The scope (function name, key prefix, operation) becomes path segments: {@code #} turns into {@code /},
 * {@code [A-Za-z0-9._@-]} are kept and any other byte is written as {@code !} and two hex digits, so distinct scopes
 * never share a name. The content suffix means that two owners of the same record (a lapsed claim still running next
 * to the one that took it over) never overwrite each other's object: each pointer keeps naming the bytes it was
 * written with.
 */
final class ObjectKeys {
    private static final int KEY_HASH_LENGTH = 64;
    private static final int CONTENT_SUFFIX_LENGTH = 16;

    private ObjectKeys() {
    }

    static String objectKey(String prefix, String recordId, String storedSha256, boolean gzip) {
        String extension = gzip ? ".json.gz" : ".json";
        String content = storedSha256.substring(0, CONTENT_SUFFIX_LENGTH);
        int separator = recordId.lastIndexOf('#');
        if (separator > 0 && isLowerHex(recordId, separator + 1)) {
            return prefix + scopePath(recordId.substring(0, separator)) + "/" + recordId.substring(separator + 1)
                    + "-" + content + extension;
        }
        // not an id of the shape the engine makes: name it by its hash alone
        return prefix + "!hashed/" + sha256Hex(recordId) + "-" + content + extension;
    }

    static String scopePath(String scope) {
        StringBuilder path = new StringBuilder(scope.length() + 8);
        for (byte b : scope.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c == '#') {
                path.append('/');
            } else if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '@' || c == '-')) {
                path.append(c);
            } else {
                path.append('!').append(HexFormat.of().toHexDigits(b));
            }
        }
        return path.toString();
    }

    private static boolean isLowerHex(String s, int from) {
        if (s.length() - from != KEY_HASH_LENGTH) {
            return false;
        }
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    static String sha256Hex(String text) {
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
