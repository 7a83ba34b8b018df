package dev.lambdaidempotency.s3;

import dev.lambdaidempotency.spi.RecordId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Object names for offloaded results. The name depends only on the hashed record id and the checksum of the stored
 * bytes, never on a raw key or payload:
 * {@code <prefix><scope as path>/<64-hex key hash>-<16 hex of the content SHA-256>.json[.gz]}, e.g.
 * {@code idempotency-results/payments/3f9a…c2-9b1e44d0a7f3c615.json.gz}.
 *
 * <p>The scope (function name, key space, operation) becomes path segments: {@code #} turns into {@code /},
 * {@code [A-Za-z0-9._@-]} are kept and any other byte is written as {@code !} and two hex digits, so distinct scopes
 * never share a name. The content suffix means that two owners of the same record (a lapsed claim still running next
 * to the one that took it over) never overwrite each other's object: each pointer keeps naming the bytes it was
 * written with.
 */
final class ObjectKeys {
    private static final int CONTENT_SUFFIX_LENGTH = 16;

    private ObjectKeys() {
    }

    static String objectKey(String prefix, String recordId, String storedSha256, boolean gzip) {
        String extension = gzip ? ".json.gz" : ".json";
        String content = storedSha256.substring(0, CONTENT_SUFFIX_LENGTH);
        Optional<RecordId> id = RecordId.parse(recordId);
        if (id.isPresent()) {
            return prefix + scopePath(id.get().scope()) + "/" + id.get().keyHash() + "-" + content + extension;
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
