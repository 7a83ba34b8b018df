package dev.lambdaidempotency.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * SHA-256 of a JSON value in canonical form, streamed into the digest without building the text: object members
 * sorted by name (UTF-16 order), no insignificant whitespace, strings escaped minimally, numbers by value
 * ({@code 1}, {@code 1.0} and {@code 1e0} are equal; a number never equals a string). The canonical form differs
 * from RFC 8785 only in number spelling and in escaping lone surrogates (which have no UTF-8 form), neither of which
 * a caller can observe.
 */
public final class CanonicalJson {
    private static final HexFormat HEX = HexFormat.of();
    /** Cloned per hash: {@code getInstance} searches the providers and instantiates reflectively on every call. */
    private static final MessageDigest SHA_256 = lookUp();

    private CanonicalJson() {
    }

    /**
     * A canonical digest and the length of the canonical text it covers.
     *
     * @param hex    lowercase hex SHA-256
     * @param length bytes of canonical UTF-8 hashed
     */
    public record Digest(String hex, long length) {
    }

    /**
     * Hashes {@code node} in canonical form.
     *
     * @param node any JSON value
     * @return its digest
     */
    public static Digest sha256(JsonValue node) {
        Sink sink = new Sink();
        write(node, sink);
        return sink.finish();
    }

    /**
     * Hashes raw bytes (for values that are not JSON, such as a non-JSON body).
     *
     * @param bytes the bytes
     * @return lowercase hex SHA-256
     */
    public static String sha256(byte[] bytes) {
        return HEX.formatHex(newDigest().digest(bytes));
    }

    static MessageDigest newDigest() {
        try {
            return (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            return lookUp();
        }
    }

    private static MessageDigest lookUp() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private static void write(JsonValue node, Sink out) {
        if (node instanceof JsonValue.Obj object) {
            Map<String, JsonValue> members = object.members();
            String[] names = members.keySet().toArray(new String[0]);
            Arrays.sort(names);
            out.ascii('{');
            for (int i = 0; i < names.length; i++) {
                if (i > 0) {
                    out.ascii(',');
                }
                out.string(names[i]);
                out.ascii(':');
                write(members.get(names[i]), out);
            }
            out.ascii('}');
        } else if (node instanceof JsonValue.Arr array) {
            out.ascii('[');
            for (int i = 0; i < array.items().size(); i++) {
                if (i > 0) {
                    out.ascii(',');
                }
                write(array.items().get(i), out);
            }
            out.ascii(']');
        } else if (node instanceof JsonValue.Str string) {
            out.string(string.value());
        } else if (node instanceof JsonValue.Num number) {
            out.number(number.value());
        } else if (node instanceof JsonValue.Bytes bytes) {
            // as a byte[] in an event has always been hashed: its base64 text
            out.string(Base64.getEncoder().encodeToString(bytes.bytes()));
        } else if (node == JsonValue.TRUE || node == JsonValue.FALSE) {
            out.text(node == JsonValue.TRUE ? "true" : "false");
        } else {
            out.text("null");
        }
    }

    /** Buffers canonical UTF-8 into the digest. */
    private static final class Sink {
        private final MessageDigest digest = newDigest();
        private final byte[] buffer = new byte[512];
        private int used;
        private long length;

        void ascii(char c) {
            if (used == buffer.length) {
                flush();
            }
            buffer[used++] = (byte) c;
        }

        void text(String ascii) {
            for (int i = 0; i < ascii.length(); i++) {
                ascii(ascii.charAt(i));
            }
        }

        void number(Number number) {
            BigDecimal value;
            if (number instanceof Integer || number instanceof Long || number instanceof Short
                    || number instanceof Byte) {
                text(Long.toString(number.longValue()));
                return;
            } else if (number instanceof BigInteger big) {
                if (big.bitLength() < 64) {
                    text(Long.toString(big.longValue()));
                    return;
                }
                value = new BigDecimal(big);
            } else if (number instanceof BigDecimal decimal) {
                value = decimal;
            } else {
                double d = number.doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    string(Double.toString(d));
                    return;
                }
                value = BigDecimal.valueOf(d);
            }
            if (value.signum() == 0) {
                ascii('0');
                return;
            }
            BigDecimal stripped = value.stripTrailingZeros();
            text(stripped.scale() <= 0 && stripped.precision() - stripped.scale() <= 19
                    ? stripped.toBigIntegerExact().toString() : stripped.toString());
        }

        void string(String s) {
            ascii('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    ascii('\\');
                    ascii(c);
                } else if (c < 0x20) {
                    switch (c) {
                        case '\b' -> text("\\b");
                        case '\f' -> text("\\f");
                        case '\n' -> text("\\n");
                        case '\r' -> text("\\r");
                        case '\t' -> text("\\t");
                        default -> text(String.format("\\u%04x", (int) c));
                    }
                } else if (c < 0x80) {
                    ascii(c);
                } else {
                    int end = i;
                    while (end < s.length() && s.charAt(end) >= 0x80) {
                        char u = s.charAt(end);
                        if (Character.isHighSurrogate(u) && end + 1 < s.length()
                                && Character.isLowSurrogate(s.charAt(end + 1))) {
                            end += 2;
                        } else if (Character.isSurrogate(u)) {
                            break;
                        } else {
                            end++;
                        }
                    }
                    if (end == i) {
                        // a lone surrogate has no UTF-8 form (getBytes would make it "?"): escape it as JSON can
                        text(String.format("\\u%04x", (int) c));
                    } else {
                        bytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
                        i = end - 1;
                    }
                }
            }
            ascii('"');
        }

        private void bytes(byte[] b) {
            flush();
            digest.update(b);
            length += b.length;
        }

        private void flush() {
            digest.update(buffer, 0, used);
            length += used;
            used = 0;
        }

        Digest finish() {
            flush();
            return new Digest(HEX.formatHex(digest.digest()), length);
        }
    }
}
