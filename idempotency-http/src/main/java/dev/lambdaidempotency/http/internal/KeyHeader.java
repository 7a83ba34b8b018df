package dev.lambdaidempotency.http.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the idempotency key in a request's headers: the header name matched case-insensitively, every header line
 * and every comma-separated member read (HTTP lets a proxy join repeated lines with commas), a structured-field
 * string ({@code "..."}, as the IETF draft writes it) unquoted. Several different keys are an error; the same key
 * repeated is one key. Immutable and thread-safe.
 */
public final class KeyHeader {
    private final String name;

    /** What the headers hold. */
    public sealed interface Selection {
    }

    /**
     * One key.
     *
     * @param key the key, unquoted and trimmed (not blank)
     */
    public record Found(String key) implements Selection {
    }

    /** No header, or only empty values. */
    public record Missing() implements Selection {
    }

    /**
     * Different values.
     *
     * @param count how many distinct keys
     */
    public record Ambiguous(int count) implements Selection {
    }

    /**
     * @param name the header name (any case)
     */
    public KeyHeader(String name) {
        this.name = name;
    }

    /**
     * The header name as configured.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Selects the key of {@code request}.
     *
     * @param request the request
     * @return what was found
     */
    public Selection select(HttpRequest request) {
        List<String> lines = new ArrayList<>();
        if (request.multiValueHeaders() != null) {
            for (Map.Entry<String, List<String>> header : request.multiValueHeaders().entrySet()) {
                if (name.equalsIgnoreCase(header.getKey()) && header.getValue() != null) {
                    lines.addAll(header.getValue());
                }
            }
        }
        if (lines.isEmpty() && request.headers() != null) {
            for (Map.Entry<String, String> header : request.headers().entrySet()) {
                if (name.equalsIgnoreCase(header.getKey())) {
                    lines.add(header.getValue());
                }
            }
        }
        Set<String> keys = new LinkedHashSet<>();
        for (String line : lines) {
            if (line != null) {
                for (String member : members(line)) {
                    String key = unquote(member.strip());
                    if (!key.isBlank()) {
                        keys.add(key);
                    }
                }
            }
        }
        if (keys.isEmpty()) {
            return new Missing();
        }
        return keys.size() == 1 ? new Found(keys.iterator().next()) : new Ambiguous(keys.size());
    }

    /** Splits at commas outside double quotes. */
    static List<String> members(String line) {
        List<String> members = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                members.add(line.substring(start, i));
                start = i + 1;
            }
        }
        members.add(line.substring(start));
        return members;
    }

    /** {@code "a\"b"} is {@code a"b}; anything not a whole quoted string is itself. */
    static String unquote(String value) {
        if (value.length() < 2 || value.charAt(0) != '"' || value.charAt(value.length() - 1) != '"') {
            return value;
        }
        StringBuilder unquoted = new StringBuilder(value.length() - 2);
        for (int i = 1; i < value.length() - 1; i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() - 1) {
                c = value.charAt(++i);
            }
            unquoted.append(c);
        }
        return unquoted.toString();
    }
}
