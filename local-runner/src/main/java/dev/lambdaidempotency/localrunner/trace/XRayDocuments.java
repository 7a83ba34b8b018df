package dev.lambdaidempotency.localrunner.trace;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reassembles X-Ray documents into one {@link SpanNode} tree. The recorder sends a segment with its subsegments
 * embedded, or (when it streams, and always under Lambda's facade segment) subsegments as documents of their own
 * that name their parent in {@code parent_id}; any mix of the two, in any order, gives the same tree. A document
 * that arrives twice (in progress, then complete) counts once, complete preferred.
 */
final class XRayDocuments {
    private final Map<String, JsonNode> entities = new LinkedHashMap<>();
    // insertion order = the recorder's order of subsegments: the tie-breaker for equal start times (milliseconds)
    private final Map<String, String> parents = new LinkedHashMap<>();

    private XRayDocuments(List<JsonNode> documents) {
        for (JsonNode document : documents) {
            String parent = document.path("parent_id").isTextual() && "subsegment".equals(document.path("type").asText())
                    ? document.get("parent_id").asText() : null;
            visit(document, parent);
        }
    }

    /**
     * The tree under the entity {@code rootId}.
     *
     * @param documents the trace's documents as received
     * @param rootId    the id of the root (the runner's segment)
     * @return the tree, if the root is among the documents
     */
    static Optional<SpanNode> tree(List<JsonNode> documents, String rootId) {
        XRayDocuments index = new XRayDocuments(documents);
        return index.entities.containsKey(rootId) ? Optional.of(index.node(rootId)) : Optional.empty();
    }

    private void visit(JsonNode entity, String parent) {
        String id = entity.path("id").asText();
        JsonNode known = entities.get(id);
        if (known == null || known.path("in_progress").asBoolean() || !entity.path("in_progress").asBoolean()) {
            entities.put(id, entity);
        }
        if (parent != null) {
            parents.put(id, parent);
        }
        for (JsonNode child : entity.path("subsegments")) {
            visit(child, id);
        }
    }

    private SpanNode node(String id) {
        JsonNode entity = entities.get(id);
        List<SpanNode> children = new ArrayList<>();
        parents.forEach((child, parent) -> {
            if (parent.equals(id) && entities.containsKey(child)) {
                children.add(node(child));
            }
        });
        children.sort(Comparator.comparing(SpanNode::start));
        Map<String, String> annotations = new HashMap<>();
        entity.path("annotations").properties().forEach(a -> annotations.put(a.getKey(), a.getValue().asText()));
        Instant start = instant(entity.path("start_time").asDouble());
        Duration duration = entity.path("end_time").isNumber()
                ? Duration.between(start, instant(entity.get("end_time").asDouble())) : null;
        SpanNode.Status status = entity.path("fault").asBoolean() ? SpanNode.Status.FAULT
                : entity.path("error").asBoolean() || entity.path("throttle").asBoolean() ? SpanNode.Status.ERROR
                : SpanNode.Status.OK;
        JsonNode exception = entity.path("cause").path("exceptions").path(0);
        String cause = exception.path("type").isTextual() ? exception.get("type").asText() : null;
        String operation = entity.path("aws").path("operation").isTextual()
                ? entity.get("aws").get("operation").asText() : null;
        return new SpanNode(entity.path("name").asText(), operation, start, duration, status, cause, annotations,
                children);
    }

    /** X-Ray times are epoch seconds with microseconds as the fraction. */
    private static Instant instant(double epochSeconds) {
        long micros = Math.round(epochSeconds * 1_000_000d);
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}
