package dev.lambdaidempotency.internal;

import dev.lambdaidempotency.IdempotencyKeyException;
import dev.lambdaidempotency.IdempotencyKeyException.Reason;
import dev.lambdaidempotency.spi.RecordId;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns an event (or an explicit key) into a scoped record id and a payload hash. Everything that does not depend
 * on the event is fixed at construction. Immutable and thread-safe.
 */
public final class RequestKeys {
    private final String scope;
    private final List<JsonSelector> keySelectors;
    private final JsonSelector payloadSelector;
    private final int maxKeyBytes;
    private final Function<Object, JsonValue> converter;
    private final Parser parser;
    /** Key and payload are parts of the event: select them from a Map event without converting all of it. */
    private final boolean walkObjects;

    /**
     * The id and payload hash of one request.
     *
     * @param recordId    scoped, hashed record id (format version 1)
     * @param payloadHash hash of the validated payload, or {@code null}
     */
    public record Keys(RecordId recordId, String payloadHash) {
    }

    /**
     * @param scope           the scope of the record ids (see {@link RecordId})
     * @param keyPaths        where the key is (first present wins); empty for the whole event
     * @param payloadPath     what to validate, or {@code null}
     * @param maxKeyBytes     largest canonical key accepted from a path
     * @param converter       turns events (and payloads) into JSON values, e.g. {@link EventTrees#DEFAULT}
     */
    public RequestKeys(String scope, List<String> keyPaths, String payloadPath, int maxKeyBytes,
            Function<Object, JsonValue> converter) {
        this(scope, keyPaths, payloadPath, maxKeyBytes, converter, JsonText::parse);
    }

    /** Parses the JSON strings met on a path (a seam for tests that count parses). */
    @FunctionalInterface
    interface Parser {
        JsonValue parse(String json) throws JsonText.MalformedJsonException;
    }

    RequestKeys(String scope, List<String> keyPaths, String payloadPath, int maxKeyBytes,
            Function<Object, JsonValue> converter, Parser parser) {
        this.scope = scope;
        this.keySelectors = keyPaths.stream().map(JsonSelector::parse).toList();
        JsonSelector payload = payloadPath == null ? null : JsonSelector.parse(payloadPath);
        // validating the very value that is the key can never detect a mismatch: skip the work
        this.payloadSelector = payload != null && payload.isRoot() && keySelectors.isEmpty() ? null : payload;
        this.maxKeyBytes = maxKeyBytes;
        this.converter = converter;
        this.parser = parser;
        this.walkObjects = !keySelectors.isEmpty() && (payloadSelector == null || !payloadSelector.isRoot());
    }

    /**
     * Derives the keys of an event.
     *
     * @param event the handler's input
     * @param where describes the key selection for error messages
     * @return the keys, or {@code null} when the event has no key
     * @throws IdempotencyKeyException when the event cannot be read or the key is too large
     */
    public Keys fromEvent(Object event, String where) {
        try {
            return derive(event, where);
        } catch (StackOverflowError tooDeep) {
            throw tooDeep(tooDeep);
        }
    }

    private Keys derive(Object event, String where) {
        ParseOnce parser = new ParseOnce(this.parser);
        JsonValue keyNode = null;
        JsonValue payloadNode = null;
        boolean selected = false;
        if (walkObjects && (event instanceof Map || event instanceof List)) {
            try {
                keyNode = selectKeyFromObjects(event, parser, where);
                payloadNode = payloadSelector == null || keyNode == null ? null
                        : selectPayloadFromObjects(event, parser);
            } catch (IllegalArgumentException e) {
                throw unconvertible(event, e);
            }
            selected = keyNode != null && (payloadSelector == null || payloadNode != null);
        }
        if (!selected) {
            JsonValue tree = toTree(event);
            keyNode = selectKey(tree, parser, where);
            payloadNode = payloadSelector == null ? null : selectPayload(tree, parser);
        }
        if (isAbsent(keyNode)) {
            return null;
        }
        CanonicalJson.Digest key = digest(keyNode, parser);
        if (!keySelectors.isEmpty()) {
            requireSize(keyNode.isText() ? utf8Length(keyNode.text()) : key.length(), where);
        }
        String payloadHash = payloadNode == null ? null : digest(payloadNode, parser).hex();
        return new Keys(new RecordId(scope, key.hex()), payloadHash);
    }

    /**
     * Derives the keys of an explicit-key call.
     *
     * @param key     the caller's key
     * @param payload what to validate, or {@code null} for no validation
     * @return the keys
     * @throws IdempotencyKeyException when the key is missing, blank or too large
     */
    public Keys fromExplicit(String key, Object payload) {
        if (key == null || key.isBlank()) {
            throw new IdempotencyKeyException(Reason.MISSING, "the idempotency key must not be null or blank", null);
        }
        requireSize(utf8Length(key), "the explicit key");
        CanonicalJson.Digest digest = CanonicalJson.sha256(JsonValue.of(key));
        String payloadHash;
        try {
            payloadHash = payload == null ? null : CanonicalJson.sha256(toTree(payload)).hex();
        } catch (StackOverflowError tooDeep) {
            throw tooDeep(tooDeep);
        }
        return new Keys(new RecordId(scope, digest.hex()), payloadHash);
    }

    /**
     * Converting and hashing recurse once per nesting level: an object graph that refers to itself, or a tree
     * nested deeper than the stack allows, ends here instead of escaping as an {@link Error}. (Events the Lambda
     * runtime deserializes are at most 1,000 levels deep; this guards direct callers.)
     */
    private static IdempotencyKeyException tooDeep(StackOverflowError cause) {
        return new IdempotencyKeyException(Reason.UNREADABLE_EVENT, "the event (or payload) is nested too deeply, or "
                + "refers to itself, to be read as JSON", cause);
    }

    /** Like {@link #selectKey} on the converted event; {@code null} when only the converter can tell. */
    private JsonValue selectKeyFromObjects(Object event, ParseOnce parser, String where) {
        JsonValue found = null;
        try {
            for (JsonSelector selector : keySelectors) {
                found = selector.selectFromObjects(event, converter, parser);
                if (found == null || !isAbsent(found)) {
                    return found;
                }
            }
        } catch (JsonSelector.UnreadableJsonException e) {
            throw unreadable("the idempotency key at " + where, e);
        }
        return found;
    }

    private JsonValue selectKey(JsonValue tree, ParseOnce parser, String where) {
        if (keySelectors.isEmpty()) {
            return tree;
        }
        JsonValue found = null;
        try {
            for (JsonSelector selector : keySelectors) {
                found = selector.select(tree, parser);
                if (!isAbsent(found)) {
                    return found;
                }
            }
        } catch (JsonSelector.UnreadableJsonException e) {
            throw unreadable("the idempotency key at " + where, e);
        }
        return found;
    }

    private JsonValue selectPayloadFromObjects(Object event, ParseOnce parser) {
        try {
            return payloadSelector.selectFromObjects(event, converter, parser);
        } catch (JsonSelector.UnreadableJsonException e) {
            throw unreadable("the validated payload at " + payloadSelector, e);
        }
    }

    private JsonValue selectPayload(JsonValue tree, ParseOnce parser) {
        try {
            return payloadSelector.select(tree, parser);
        } catch (JsonSelector.UnreadableJsonException e) {
            throw unreadable("the validated payload at " + payloadSelector, e);
        }
    }

    private static IdempotencyKeyException unreadable(String what, JsonSelector.UnreadableJsonException e) {
        return new IdempotencyKeyException(Reason.UNREADABLE_EVENT, "cannot read " + what + ": " + e.getMessage(), e);
    }

    /** A string key is measured by its UTF-8 bytes; any other JSON value by its canonical JSON. */
    private void requireSize(long size, String where) {
        if (size > maxKeyBytes) {
            throw new IdempotencyKeyException(Reason.TOO_LARGE, "the idempotency key at " + where + " is "
                    + size + " bytes; at most " + maxKeyBytes + " are accepted (maxKeyBytes)", null);
        }
    }

    static long utf8Length(String s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private JsonValue toTree(Object event) {
        if (event == null) {
            return JsonValue.NULL;
        }
        if (event instanceof JsonValue node) {
            return node;
        }
        if (event instanceof CharSequence text) {
            return JsonValue.of(text.toString());
        }
        try {
            return converter.apply(event);
        } catch (IllegalArgumentException e) {
            throw unconvertible(event, e);
        }
    }

    private static IdempotencyKeyException unconvertible(Object event, IllegalArgumentException e) {
        return new IdempotencyKeyException(Reason.UNREADABLE_EVENT, "an event of type " + event.getClass().getName()
                + " cannot be read as JSON: " + e.getMessage(), e);
    }

    /**
     * A JSON text (an API Gateway body, say) is compared as canonical JSON; any other string as itself; a decoded
     * binary body by its bytes.
     */
    private static CanonicalJson.Digest digest(JsonValue node, ParseOnce parser) {
        if (node instanceof JsonValue.Bytes binary) {
            byte[] bytes = binary.bytes();
            return new CanonicalJson.Digest(CanonicalJson.sha256(bytes), bytes.length);
        }
        if (node.isText() && looksLikeJsonContainer(node.text())) {
            try {
                return CanonicalJson.sha256(parser.parse(node.text()));
            } catch (JsonText.MalformedJsonException notJson) {
                return CanonicalJson.sha256(node);
            }
        }
        return CanonicalJson.sha256(node);
    }

    private static boolean looksLikeJsonContainer(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '{' || c == '[';
            }
        }
        return false;
    }

    static boolean isAbsent(JsonValue node) {
        if (node == null || node.isNullOrMissing()) {
            return true;
        }
        if (node.isText()) {
            return node.text().isBlank();
        }
        return node instanceof JsonValue.Obj object ? object.members().isEmpty()
                : node instanceof JsonValue.Arr array && array.items().isEmpty();
    }

    /**
     * Parses and decodes for one invocation and remembers the last string it parsed and the last body it decoded: a
     * key inside the body ({@code body.orderId}) and a validated body ({@code body}) then share one parse (and one
     * base64 decoding) instead of two. The decoded text is the same instance both times, so its parse is shared too.
     */
    private static final class ParseOnce implements JsonSelector.TextReader {
        private final Parser parser;
        private String text;
        private JsonValue tree;
        private String base64;
        private JsonValue decoded;

        ParseOnce(Parser parser) {
            this.parser = parser;
        }

        @Override
        public JsonValue parse(String json) throws JsonText.MalformedJsonException {
            if (json != text) { // the same String instance: the same body met twice
                tree = parser.parse(json);
                text = json;
            }
            return tree;
        }

        @Override
        public JsonValue decodeBase64(String body) {
            if (body != base64) {
                decoded = Base64Body.decode(body);
                base64 = body;
            }
            return decoded;
        }
    }
}
