package dev.lambdaidempotency.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Events read by jackson-databind: with the application's {@code ObjectMapper} when it passed one (its naming
 * strategy, modules and annotations apply, as they always did), or with a default mapper for the values only databind
 * can read (a {@link JsonNode}, a class with Jackson annotations). Loaded only when databind is on the class path
 * and one of those is met (see {@link EventTrees#databindAvailable()}). Thread-safe.
 */
public final class DatabindTrees implements Function<Object, JsonValue> {
    /** Reads with a default mapper, built on first use. */
    static final DatabindTrees DEFAULT = new DatabindTrees(null);

    private final ObjectMapper mapper;

    /**
     * @param mapper the application's mapper, or {@code null} for a default one
     */
    public DatabindTrees(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Reads events with the application's mapper.
     *
     * @param mapper an {@code ObjectMapper} (typed {@code Object} so that callers load without databind)
     * @return the conversion
     */
    public static DatabindTrees of(Object mapper) {
        return new DatabindTrees((ObjectMapper) mapper);
    }

    /**
     * A default mapper: ignores unknown properties, as the library's mapper always did.
     *
     * @return a new mapper
     */
    static ObjectMapper defaultMapper() {
        return JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    }

    @Override
    public JsonValue apply(Object value) {
        ObjectMapper reader = mapper != null ? mapper : DefaultMapper.MAPPER;
        JsonNode node;
        try {
            node = value instanceof JsonNode tree ? tree : reader.valueToTree(value);
        } catch (IllegalArgumentException e) {
            throw new EventTrees.UnconvertibleException(e.getMessage(), e);
        }
        return toValue(node);
    }

    /**
     * A databind tree as a {@link JsonValue}, numbers and all.
     *
     * @param node the tree ({@code null} is {@link JsonValue#MISSING})
     * @return the value
     */
    public static JsonValue toValue(JsonNode node) {
        if (node == null) {
            return JsonValue.MISSING;
        }
        switch (node.getNodeType()) {
            case OBJECT: {
                Map<String, JsonValue> members = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> member : node.properties()) {
                    members.put(member.getKey(), toValue(member.getValue()));
                }
                return new JsonValue.Obj(members);
            }
            case ARRAY: {
                List<JsonValue> items = new ArrayList<>(node.size());
                for (JsonNode item : node) {
                    items.add(toValue(item));
                }
                return new JsonValue.Arr(items);
            }
            case STRING:
                return JsonValue.of(node.textValue());
            case NUMBER:
                return new JsonValue.Num(node.numberValue());
            case BOOLEAN:
                return JsonValue.of(node.booleanValue());
            case NULL:
                return JsonValue.NULL;
            case MISSING:
                return JsonValue.MISSING;
            default: // BINARY and POJO: hashed as their text, as they always were
                return JsonValue.of(node.asText());
        }
    }

    private static final class DefaultMapper {
        static final ObjectMapper MAPPER = defaultMapper();
    }
}
