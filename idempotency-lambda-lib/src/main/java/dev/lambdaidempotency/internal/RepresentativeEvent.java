package dev.lambdaidempotency.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The event {@link Priming} derives keys from: a key at the first configured key path and a payload at the payload
 * path, as nested maps and lists, with a {@code body} that a path goes into written as JSON text (as API Gateway
 * sends it), so that priming parses a body as real events do.
 */
final class RepresentativeEvent {
    static final String SAMPLE_KEY = "prime-key";

    private RepresentativeEvent() {
    }

    /** The event for these paths; without key paths (the whole event is the key), a small object. */
    static Object of(List<String> keyPaths, String payloadPath) {
        Map<String, Object> event = new LinkedHashMap<>();
        if (keyPaths.isEmpty()) {
            event.put("orderId", SAMPLE_KEY);
            event.put("amount", 1);
            return event;
        }
        put(event, keyPaths.get(0), SAMPLE_KEY);
        if (payloadPath != null) {
            put(event, payloadPath, new LinkedHashMap<>(Map.of("amount", 1)));
        }
        return bodiesAsText(event, null);
    }

    /** Puts {@code value} at {@code path} unless something is there already. */
    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> root, String path, Object value) {
        String trimmed = path.trim();
        if (trimmed.isEmpty() || trimmed.equals("$")) {
            return;
        }
        if (trimmed.startsWith("$.")) {
            trimmed = trimmed.substring(2);
        }
        List<Object> steps = new ArrayList<>();
        for (String segment : trimmed.split("\\.", -1)) {
            int bracket = segment.indexOf('[');
            steps.add(bracket < 0 ? segment : segment.substring(0, bracket));
            for (String index : bracket < 0 ? new String[0] : segment.substring(bracket + 1).split("\\]\\[?")) {
                if (!index.isEmpty()) {
                    steps.add(Integer.parseInt(index));
                }
            }
        }
        Object container = root;
        for (int i = 0; i < steps.size(); i++) {
            Object step = steps.get(i);
            boolean last = i == steps.size() - 1;
            Object next = last ? value
                    : steps.get(i + 1) instanceof Integer ? new ArrayList<>() : new LinkedHashMap<>();
            if (step instanceof Integer index && container instanceof List) {
                List<Object> list = (List<Object>) container;
                while (list.size() <= index) {
                    list.add(null);
                }
                if (list.get(index) == null) {
                    list.set(index, next);
                }
                container = list.get(index);
            } else if (step instanceof String field && container instanceof Map) {
                container = ((Map<String, Object>) container).computeIfAbsent(field, f -> next);
            } else {
                return; // the key path already put something else here
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Object bodiesAsText(Object node, String field) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put((String) k, bodiesAsText(v, (String) k)));
            return "body".equals(field) ? json(copy) : copy;
        }
        if (node instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(v -> copy.add(bodiesAsText(v, null)));
            return "body".equals(field) ? json(copy) : copy;
        }
        return node;
    }

    /** JSON text of maps, lists, strings, numbers and nulls. */
    private static String json(Object node) {
        StringBuilder out = new StringBuilder();
        if (node instanceof Map<?, ?> map) {
            out.append('{');
            map.forEach((k, v) -> out.append(out.length() > 1 ? "," : "").append(quote((String) k)).append(':')
                    .append(json(v)));
            return out.append('}').toString();
        }
        if (node instanceof List<?> list) {
            out.append('[');
            list.forEach(v -> out.append(out.length() > 1 ? "," : "").append(json(v)));
            return out.append(']').toString();
        }
        return node instanceof String text ? quote(text) : String.valueOf(node);
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
