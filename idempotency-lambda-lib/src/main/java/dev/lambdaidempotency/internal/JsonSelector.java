package dev.lambdaidempotency.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A compiled path into a JSON tree: dot-separated field names with optional {@code [index]} suffixes. Descending
 * into a string parses it as JSON (API Gateway's {@code body}); a {@code body} beside {@code "isBase64Encoded": true}
 * is decoded first ({@link Base64Body}), whether the path ends there or goes on into it; under
 * {@code headers}/{@code multiValueHeaders} field names match case-insensitively. Immutable and thread-safe.
 */
public final class JsonSelector {
    private static final JsonSelector ROOT = new JsonSelector("", List.of());

    private final String expression;
    private final List<Step> steps;

    private JsonSelector(String expression, List<Step> steps) {
        this.expression = expression;
        this.steps = steps;
    }

    /**
     * Compiles {@code expression}.
     *
     * @param expression {@code ""} or {@code "$"} for the root, else e.g. {@code body.order.id} or {@code a[0].b}
     * @return the selector
     * @throws IllegalArgumentException when the expression is malformed
     */
    public static JsonSelector parse(String expression) {
        Objects.requireNonNull(expression, "path");
        String path = expression.trim();
        if (path.isEmpty() || path.equals("$")) {
            return ROOT;
        }
        if (path.startsWith("$.")) {
            path = path.substring(2);
        }
        List<Step> steps = new ArrayList<>();
        String previousField = null;
        for (String segment : path.split("\\.", -1)) {
            int bracket = segment.indexOf('[');
            String field = bracket < 0 ? segment : segment.substring(0, bracket);
            if (field.isEmpty()) {
                throw malformed(expression, "empty field name");
            }
            boolean headerLike = previousField != null && (previousField.equalsIgnoreCase("headers")
                    || previousField.equalsIgnoreCase("multiValueHeaders"));
            steps.add(new Step(field, -1, headerLike));
            previousField = field;
            String rest = bracket < 0 ? "" : segment.substring(bracket);
            while (!rest.isEmpty()) {
                int close = rest.indexOf(']');
                if (!rest.startsWith("[") || close < 2) {
                    throw malformed(expression, "expected [index] after '" + field + "'");
                }
                int index;
                try {
                    index = Integer.parseInt(rest.substring(1, close));
                } catch (NumberFormatException e) {
                    throw malformed(expression, "index must be a non-negative integer");
                }
                if (index < 0) {
                    throw malformed(expression, "index must be a non-negative integer");
                }
                steps.add(new Step(null, index, false));
                rest = rest.substring(close + 1);
            }
        }
        return new JsonSelector(expression, List.copyOf(steps));
    }

    private static IllegalArgumentException malformed(String expression, String why) {
        return new IllegalArgumentException("malformed path \"" + expression + "\": " + why);
    }

    /**
     * Whether this selects the whole tree.
     *
     * @return true for the root selector
     */
    public boolean isRoot() {
        return steps.isEmpty();
    }

    /**
     * Selects from {@code root}; a parser that remembers what it parsed lets key selection and payload hashing share
     * one parse of a body.
     *
     * @param root   the event as a tree
     * @param parser parses JSON strings met on the way
     * @return the selected value, or {@link JsonValue#MISSING} when a step finds nothing
     * @throws UnreadableJsonException when a string on the path is not JSON, or a {@code body} on it is marked base64
     *                                 and is not base64 or (with steps left) not UTF-8 text
     */
    public JsonValue select(JsonValue root, TextReader parser) throws UnreadableJsonException {
        return select(root, 0, "$", false, parser);
    }

    /** Applies the steps from {@code firstStep} on to {@code node}, found at {@code where} (decoded from base64?). */
    private JsonValue select(JsonValue node, int firstStep, String where, boolean decoded, TextReader parser)
            throws UnreadableJsonException {
        for (int i = firstStep; i < steps.size(); i++) {
            if (node == null || node.isNullOrMissing()) {
                return JsonValue.MISSING;
            }
            if (node instanceof JsonValue.Bytes) {
                throw binaryBody(where);
            }
            if (node.isText()) {
                node = parseEmbedded(node.text(), where, decoded, parser);
            }
            Step step = steps.get(i);
            JsonValue parent = node;
            node = step.apply(node);
            where = step.next(where);
            decoded = node != null && node.isText() && step.isBody() && Base64Body.isMarked(parent);
            if (decoded) {
                node = decodeEmbedded(node.text(), where, parser);
            }
        }
        return node == null ? JsonValue.MISSING : node;
    }

    /**
     * Selects from a graph of {@link Map}s, {@link List}s, strings and scalars (how the Lambda runtime hands over
     * untyped events) without converting the whole graph: only the selected value is converted. The result is the
     * same value {@link #select(JsonValue, TextReader)} finds in {@code converter.apply(root)}.
     *
     * @param root      the event
     * @param converter converts the selected value
     * @param parser    parses JSON strings met on the way
     * @return the selected value, {@link JsonValue#MISSING} when a step finds nothing, or {@code null} when the graph
     *         holds something on the path this walk does not interpret exactly as the converter would (convert the
     *         whole event)
     * @throws UnreadableJsonException when a string on the path is not JSON, or a {@code body} on it is marked base64
     *                                 and is not base64 or (with steps left) not UTF-8 text
     */
    public JsonValue selectFromObjects(Object root, Function<Object, JsonValue> converter, TextReader parser)
            throws UnreadableJsonException {
        Object current = root;
        String where = "$";
        boolean decoded = false;
        for (int i = 0; i < steps.size(); i++) {
            if (current == null) {
                return JsonValue.MISSING;
            }
            if (current instanceof String text) {
                return select(parseEmbedded(text, where, decoded, parser), i, where, false, parser);
            }
            Step step = steps.get(i);
            Map<?, ?> parent = current instanceof Map<?, ?> map ? map : null;
            if (current instanceof List<?> list) {
                if (step.field != null) {
                    return JsonValue.MISSING;
                }
                current = step.index < list.size() ? list.get(step.index) : null;
            } else if (current instanceof Map<?, ?> map) {
                if (step.field == null) {
                    return JsonValue.MISSING;
                }
                if (!map.containsKey(step.field)) {
                    for (Object key : map.keySet()) {
                        if (!(key instanceof String)) {
                            return null; // such keys are written with toString(): leave it to the converter
                        }
                    }
                    current = step.caseInsensitive ? ignoringCase(map, step.field) : null;
                } else {
                    current = map.get(step.field);
                }
            } else if (current instanceof Number || current instanceof Boolean) {
                return JsonValue.MISSING;
            } else {
                return null; // a bean, an array, a node: not interpreted here
            }
            where = step.next(where);
            decoded = false;
            if (current instanceof String text && step.isBody()) {
                Boolean marked = Base64Body.isMarked(parent);
                if (marked == null) {
                    return null;
                }
                if (marked) {
                    JsonValue body = decodeEmbedded(text, where, parser);
                    if (!body.isText()) {
                        return select(body, i + 1, where, true, parser);
                    }
                    current = body.text();
                    decoded = true;
                }
            }
        }
        if (current == null) {
            return JsonValue.MISSING;
        }
        return current instanceof String text ? JsonValue.of(text) : converter.apply(current);
    }

    private static Object ignoringCase(Map<?, ?> map, String field) {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (((String) entry.getKey()).equalsIgnoreCase(field)) {
                return entry.getValue();
            }
        }
        return null;
    }

    private static JsonValue parseEmbedded(String text, String where, boolean decoded, TextReader parser)
            throws UnreadableJsonException {
        try {
            return parser.parse(text);
        } catch (JsonText.MalformedJsonException e) {
            throw new UnreadableJsonException(where + (decoded
                    ? " is a base64-encoded body whose text is not valid JSON"
                    : " is a string that is not valid JSON"), e);
        }
    }

    private static JsonValue decodeEmbedded(String base64, String where, TextReader parser)
            throws UnreadableJsonException {
        try {
            return parser.decodeBase64(base64);
        } catch (IllegalArgumentException e) {
            throw new UnreadableJsonException(where + " is marked " + Base64Body.FLAG + " but is not valid base64", e);
        }
    }

    private static UnreadableJsonException binaryBody(String where) {
        return new UnreadableJsonException(where + " is a base64-encoded body whose bytes are not UTF-8 text, so "
                + "nothing can be selected inside it", null);
    }

    @Override
    public String toString() {
        return expression.isEmpty() ? "$" : expression;
    }

    /** The compiled steps, for the tree edits of {@link JsonRedaction}. */
    List<Step> steps() {
        return steps;
    }

    /** One step: a member ({@code field}, matched case-insensitively when so marked) or an array element. */
    record Step(String field, int index, boolean caseInsensitive) {
        /** Whether this step selects a {@code body} member, which its object may mark as base64. */
        boolean isBody() {
            return Base64Body.BODY.equals(field);
        }

        String next(String where) {
            return field != null ? where + "." + field : where + "[" + index + "]";
        }

        JsonValue apply(JsonValue node) {
            if (field == null) {
                return node.get(index);
            }
            if (!(node instanceof JsonValue.Obj object)) {
                return null;
            }
            JsonValue exact = object.members().get(field);
            if (exact != null || !caseInsensitive) {
                return exact;
            }
            for (Map.Entry<String, JsonValue> entry : object.members().entrySet()) {
                if (entry.getKey().equalsIgnoreCase(field)) {
                    return entry.getValue();
                }
            }
            return null;
        }
    }

    /** Reads what a path meets inside strings: JSON text, and bodies marked as base64. */
    @FunctionalInterface
    public interface TextReader {
        /**
         * Parses {@code text} as exactly one JSON value.
         *
         * @param text the string
         * @return its value
         * @throws JsonText.MalformedJsonException when it is not JSON
         */
        JsonValue parse(String text) throws JsonText.MalformedJsonException;

        /**
         * Decodes a body marked {@code "isBase64Encoded": true}.
         *
         * @param base64 the body as delivered
         * @return the decoded text as a string, or the bytes when they are not UTF-8 text
         * @throws IllegalArgumentException when {@code base64} is not base64
         */
        default JsonValue decodeBase64(String base64) {
            return Base64Body.decode(base64);
        }
    }

    /** A string on the selector's path is not JSON. */
    public static final class UnreadableJsonException extends Exception {
        /** Serialization version. */
        private static final long serialVersionUID = 1L;

        UnreadableJsonException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
