package dev.lambdaidempotency.localrunner.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reassembly of X-Ray documents into the tree, whichever way the recorder sent them: one segment with everything
 * embedded (the runner's case), each subsegment on its own naming its parent (Lambda's facade, or streaming), in any
 * order, with an in-progress copy first.
 */
class XRayDocumentsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRACE = "1-6b13f8d8-b1e5bc1ead507661ec2c1b0a";
    private static final String EXPECTED = """
            PaymentApiFunction
              idempotency idempotency_outcome=replay
                claim
                  DynamoDb PutItem error: ConditionalCheckFailedException
                replay
            """;

    @Test
    void embeddedSubsegmentsBecomeTheTree() {
        SpanNode root = XRayDocuments.tree(List.of(segment(true)), "seg").orElseThrow();

        assertEquals(EXPECTED, root.shape());
        SpanNode idempotency = root.children().get(0);
        assertEquals(Duration.ofMillis(12), idempotency.duration());
        assertEquals(Instant.parse("2026-12-05T11:43:20.001Z"), idempotency.start());
        SpanNode putItem = idempotency.children().get(0).children().get(0);
        assertEquals(SpanNode.Status.ERROR, putItem.status());
        assertEquals("PutItem", putItem.operation());
        assertEquals("software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException",
                putItem.cause());
    }

    @Test
    void separateSubsegmentDocumentsInAnyOrderGiveTheSameTree() {
        List<JsonNode> documents = new ArrayList<>(separate());
        Collections.reverse(documents); // children before their parents, the root last
        assertEquals(EXPECTED, XRayDocuments.tree(documents, "seg").orElseThrow().shape());

        Collections.shuffle(documents, new java.util.Random(7));
        assertEquals(EXPECTED, XRayDocuments.tree(documents, "seg").orElseThrow().shape());
    }

    @Test
    void anInProgressCopyIsReplacedByTheCompleteDocumentWhicheverCameFirst() {
        ObjectNode inProgress = segment(true);
        inProgress.put("in_progress", true).remove("end_time");
        assertEquals(Duration.ofMillis(15), XRayDocuments.tree(List.of(inProgress, segment(true)), "seg")
                .orElseThrow().duration());
        assertEquals(Duration.ofMillis(15), XRayDocuments.tree(List.of(segment(true), inProgress), "seg")
                .orElseThrow().duration());
    }

    @Test
    void equalStartTimesKeepTheRecordersOrder() {
        ObjectNode root = entity("seg", "PaymentApiFunction", 0, 15);
        ArrayNode children = root.putArray("subsegments");
        children.add(entity("a", "process", 3, 3));
        children.add(entity("b", "record", 3, 9));
        assertEquals("PaymentApiFunction\n  process\n  record\n", XRayDocuments.tree(List.of(root), "seg")
                .orElseThrow().shape());
    }

    @Test
    void withoutTheRootThereIsNoTree() {
        assertTrue(XRayDocuments.tree(separate().subList(1, 5), "seg").isEmpty());
    }

    @Test
    void theDaemonKeepsDocumentsByTraceAndCountsWhatIsNotADocument() {
        try (XRayDaemon daemon = XRayDaemon.bind()) {
            assertTrue(daemon.address().startsWith("127.0.0.1:"));
            daemon.accept("no header\n{}");
            daemon.accept(XRayDaemon.HEADER + "\n{not json");
            daemon.accept(XRayDaemon.HEADER + "\n{\"id\": \"x\"}"); // no trace id
            for (JsonNode document : separate()) {
                daemon.accept(XRayDaemon.HEADER + "\n" + document);
            }
            assertEquals(3, daemon.rejected());
            assertTrue(daemon.take(TRACE, "missing", Duration.ZERO).isEmpty(), "an id that never came: no wait");
            List<JsonNode> taken = daemon.take(TRACE, "seg", Duration.ZERO).orElseThrow();
            assertEquals(5, taken.size());
            assertEquals(List.of(), daemon.drain(TRACE), "taken documents are gone");
        }
    }

    @Test
    void theJsonFileHoldsEveryInvocationsTree(@TempDir Path dir) throws Exception {
        SpanNode root = XRayDocuments.tree(List.of(segment(true)), "seg").orElseThrow();
        Path file = dir.resolve("out/trace.json");
        TraceJson.write(file, List.of(new TraceJson.Entry("2. Replay", "PaymentApiFunction", "req-1",
                new InvocationTrace(XRayTraceSource.SOURCE, TRACE, root, true))));

        JsonNode written = JSON.readTree(Files.readString(file));
        assertEquals(TraceJson.FORMAT, written.get("format").asText());
        assertEquals(1, written.get("version").asInt());
        JsonNode invocation = written.get("invocations").get(0);
        assertEquals("2. Replay", invocation.get("scenario").asText());
        assertEquals("req-1", invocation.get("request_id").asText());
        assertEquals("aws-xray", invocation.get("source").asText());
        assertEquals(TRACE, invocation.get("trace_id").asText());
        assertTrue(invocation.get("complete").asBoolean());
        JsonNode idempotency = invocation.get("root").get("children").get(0);
        assertEquals(Map.of("idempotency_outcome", "replay"),
                JSON.convertValue(idempotency.get("annotations"), Map.class));
        assertEquals(12.0, idempotency.get("duration_ms").asDouble());
        assertEquals("2026-12-05T11:43:20.001Z", idempotency.get("start").asText());
        JsonNode putItem = idempotency.get("children").get(0).get("children").get(0);
        assertEquals("PutItem", putItem.get("operation").asText());
        assertEquals("error", putItem.get("status").asText());
        assertTrue(putItem.get("cause").asText().endsWith("ConditionalCheckFailedException"));
        assertFalse(idempotency.has("operation"));
        assertEquals("ok", idempotency.get("status").asText());
    }

    /** The runner's segment of a replay with everything embedded, as the recorder sends it when it ends. */
    private static ObjectNode segment(boolean embedded) {
        ObjectNode root = entity("seg", "PaymentApiFunction", 0, 15);
        root.put("origin", "AWS::Lambda::Function");
        if (embedded) {
            ObjectNode idempotency = entity("idem", "idempotency", 1, 13);
            idempotency.putObject("annotations").put("idempotency_outcome", "replay");
            ObjectNode claim = entity("claim", "claim", 1, 10);
            ObjectNode putItem = entity("put", "DynamoDb", 2, 9);
            putItem.put("namespace", "aws").put("error", true).putObject("aws").put("operation", "PutItem");
            putItem.putObject("cause").putArray("exceptions").addObject().put("id", "e1")
                    .put("type", "software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException");
            claim.putArray("subsegments").add(putItem);
            idempotency.putArray("subsegments").add(claim).add(entity("replay", "replay", 10, 12));
            root.putArray("subsegments").add(idempotency);
        }
        return root;
    }

    /** The same tree with every subsegment a document of its own naming its parent, in the order they ended. */
    private static List<JsonNode> separate() {
        ObjectNode whole = segment(true);
        List<JsonNode> documents = new ArrayList<>();
        documents.add(segment(false));
        flatten(whole, documents);
        return documents;
    }

    private static void flatten(ObjectNode parent, List<JsonNode> documents) {
        for (JsonNode child : parent.path("subsegments")) {
            ObjectNode copy = ((ObjectNode) child).deepCopy();
            copy.remove("subsegments");
            copy.put("type", "subsegment").put("parent_id", parent.get("id").asText()).put("trace_id", TRACE);
            documents.add(copy);
            flatten((ObjectNode) child, documents);
        }
    }

    private static ObjectNode entity(String id, String name, int startMillis, int endMillis) {
        double base = Instant.parse("2026-12-05T11:43:20Z").getEpochSecond();
        return JSON.createObjectNode().put("id", id).put("name", name).put("trace_id", TRACE)
                .put("start_time", base + startMillis / 1000d).put("end_time", base + endMillis / 1000d);
    }
}
