package dev.lambdaidempotency.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One edit of an encoded result: drop, or replace with a mask, the value at a path ({@link JsonSelector} syntax).
 * The walk reads strings as {@link JsonSelector} does: a string met with steps left is parsed as JSON (an HTTP
 * {@code body}) and written back as compact JSON text when something inside it changed; a {@code body} beside
 * {@code "isBase64Encoded": true} is decoded first and encoded again. A path that finds nothing (an absent member,
 * a string that is not JSON, a binary body) changes nothing: there is nothing at it to store. Immutable and
 * thread-safe.
 */
public final class JsonRedaction {
    private final JsonSelector path;
    private final String mask;

    private JsonRedaction(JsonSelector path, String mask) {
        this.path = path;
        this.mask = mask;
    }

    /**
     * Removes the member (or array element) at {@code path}.
     *
     * @param path a path below the root
     * @return the edit
     * @throws IllegalArgumentException when the path is malformed or the root
     */
    public static JsonRedaction drop(String path) {
        return new JsonRedaction(belowRoot(path), null);
    }

    /**
     * Replaces the non-null value at {@code path} with the string {@code mask}.
     *
     * @param path a path below the root
     * @param mask the replacement
     * @return the edit
     * @throws IllegalArgumentException when the path is malformed or the root
     */
    public static JsonRedaction mask(String path, String mask) {
        return new JsonRedaction(belowRoot(path), Objects.requireNonNull(mask, "replacement"));
    }

    private static JsonSelector belowRoot(String path) {
        JsonSelector selector = JsonSelector.parse(Objects.requireNonNull(path, "path"));
        if (selector.isRoot()) {
            throw new IllegalArgumentException("a redaction path must name a field below the root, was \"" + path
                    + "\" (to store no result at all, redact the whole result with a function)");
        }
        return selector;
    }

    /**
     * Applies the edit.
     *
     * @param root the encoded result
     * @return the edited tree, or {@code root} itself when nothing was at the path
     */
    public JsonValue apply(JsonValue root) {
        return edit(root, 0);
    }

    private JsonValue edit(JsonValue node, int i) {
        List<JsonSelector.Step> steps = path.steps();
        if (node instanceof JsonValue.Str string) {
            return inText(string, i);
        }
        JsonSelector.Step step = steps.get(i);
        boolean last = i == steps.size() - 1;
        if (step.field() != null && node instanceof JsonValue.Obj object) {
            String name = memberName(object, step);
            if (name == null) {
                return node;
            }
            JsonValue child = object.members().get(name);
            JsonValue edited;
            if (last) {
                edited = mask == null ? null : child.isNullOrMissing() ? child : JsonValue.of(mask);
            } else if (child instanceof JsonValue.Str text && Base64Body.BODY.equals(name)
                    && Base64Body.isMarked(object)) {
                edited = inBase64(text, i + 1);
            } else {
                edited = edit(child, i + 1);
            }
            if (edited == child) {
                return node;
            }
            Map<String, JsonValue> members = new LinkedHashMap<>(object.members());
            if (edited == null) {
                members.remove(name);
            } else {
                members.put(name, edited);
            }
            return new JsonValue.Obj(members);
        }
        if (step.field() == null && node instanceof JsonValue.Arr array && step.index() < array.items().size()) {
            JsonValue child = array.items().get(step.index());
            JsonValue edited = last ? (mask == null ? null : child.isNullOrMissing() ? child : JsonValue.of(mask))
                    : edit(child, i + 1);
            if (edited == child) {
                return node;
            }
            List<JsonValue> items = new ArrayList<>(array.items());
            if (edited == null) {
                items.remove(step.index());
            } else {
                items.set(step.index(), edited);
            }
            return new JsonValue.Arr(items);
        }
        return node;
    }

    /** Steps left inside a string: edit the JSON it holds, if it holds JSON. */
    private JsonValue inText(JsonValue.Str string, int i) {
        JsonValue parsed;
        try {
            parsed = JsonText.parse(string.value());
        } catch (JsonText.MalformedJsonException notJson) {
            return string;
        }
        if (parsed instanceof JsonValue.Str || parsed == JsonValue.MISSING) {
            return string; // a JSON string inside a string: nothing addressable by a field or index
        }
        JsonValue edited = edit(parsed, i);
        return edited == parsed ? string
                : JsonValue.of(new String(JsonText.write(edited), StandardCharsets.UTF_8));
    }

    private JsonValue inBase64(JsonValue.Str body, int i) {
        JsonValue decoded;
        try {
            decoded = Base64Body.decode(body.value());
        } catch (IllegalArgumentException notBase64) {
            return body;
        }
        if (!(decoded instanceof JsonValue.Str text)) {
            return body; // bytes that are not text hold no JSON
        }
        JsonValue edited = inText(text, i);
        return edited == text ? body : JsonValue.of(Base64.getEncoder().encodeToString(
                edited.text().getBytes(StandardCharsets.UTF_8)));
    }

    private static String memberName(JsonValue.Obj object, JsonSelector.Step step) {
        if (object.members().containsKey(step.field())) {
            return step.field();
        }
        if (step.caseInsensitive()) {
            for (String name : object.members().keySet()) {
                if (name.equalsIgnoreCase(step.field())) {
                    return name;
                }
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return (mask == null ? "drop " : "mask ") + path;
    }
}
