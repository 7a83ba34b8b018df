package dev.lambdaidempotency.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyKeyException;
import dev.lambdaidempotency.IdempotencyKeyException.Reason;
import dev.lambdaidempotency.IdempotencyPayloadMismatchException;
import dev.lambdaidempotency.IdempotentOperation;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A corpus of bad and odd events. Each gets a typed {@link IdempotencyKeyException} with the reason, runs nothing
 * and stores nothing; or is accepted by a documented rule, and then stores exactly one record whose id is the
 * scope plus a SHA-256 (no raw key material in the table). Checked with a Scan after every case.
 */
class BadInputIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    private static final Pattern HASHED_ID = Pattern.compile("[A-Za-z0-9._:\\-#@]+#[0-9a-f]{64}");
    private static final AtomicInteger scopes = new AtomicInteger();
    private static DynamoDbClient client;
    private static DynamoDbIdempotencyStore store;

    @BeforeAll
    static void createTable() {
        client = aws.dynamoDbClient();
        store = aws.newStore(client);
    }

    /** One independently scoped wrapped handler that counts its executions. */
    private static final class Probe {
        final String scope = "bad-input-" + scopes.incrementAndGet();
        final AtomicInteger executions = new AtomicInteger();
        final RequestHandler<Object, String> handler;

        Probe(UnaryOperator<IdempotencyConfig.Builder> config) {
            handler = Idempotency.builder()
                    .store(store)
                    .config(config.apply(IdempotencyConfig.builder(Map.of()).functionName(scope)).build())
                    .build()
                    .wrap((event, context) -> "run-" + executions.incrementAndGet(), String.class);
        }

        String call(Object event) {
            return handler.handleRequest(event, null);
        }

        List<Map<String, AttributeValue>> records() {
            List<Map<String, AttributeValue>> items = new ArrayList<>();
            client.scanPaginator(b -> b.tableName(store.tableName())).items().forEach(item -> {
                if (item.get("id").s().startsWith(scope + "#")) {
                    items.add(item);
                }
            });
            return items;
        }

        /** Exactly {@code count} records, ids hashed, no attribute carrying {@code rawKey}. */
        void assertRecords(int count, String rawKey) {
            List<Map<String, AttributeValue>> items = records();
            assertEquals(count, items.size(), () -> "records: " + items);
            for (Map<String, AttributeValue> item : items) {
                assertTrue(HASHED_ID.matcher(item.get("id").s()).matches(), item::toString);
                if (rawKey != null && !rawKey.isBlank()) {
                    item.values().forEach(v -> assertFalse(String.valueOf(v.s()).contains(rawKey),
                            () -> "raw key stored in " + item));
                }
            }
        }
    }

    private static UnaryOperator<IdempotencyConfig.Builder> keyPath(String path) {
        return b -> b.keyPath(path);
    }

    private static final UnaryOperator<IdempotencyConfig.Builder> BODY =
            b -> b.keyPath("body.orderId").payloadPath("body");
    private static final UnaryOperator<IdempotencyConfig.Builder> WHOLE = UnaryOperator.identity();
    private static final UnaryOperator<IdempotencyConfig.Builder> HEADER = b -> b.keyHeader("Idempotency-Key");
    private static final UnaryOperator<IdempotencyConfig.Builder> HEADER_AND_BODY =
            b -> b.keyHeader("Idempotency-Key").payloadPath("body");

    static Stream<Arguments> rejected() {
        Map<String, Object> selfReferencing = new HashMap<>();
        selfReferencing.put("orderId", "self");
        selfReferencing.put("me", selfReferencing);
        String deepJson = "[".repeat(5_000) + "]".repeat(5_000);
        return Stream.of(
                Arguments.of("null event", keyPath("orderId"), null, Reason.MISSING),
                Arguments.of("null event, whole-event key", WHOLE, null, Reason.MISSING),
                Arguments.of("empty object", keyPath("orderId"), Map.of(), Reason.MISSING),
                Arguments.of("empty object, whole-event key", WHOLE, Map.of(), Reason.MISSING),
                Arguments.of("key field missing", keyPath("orderId"), Map.of("other", 1), Reason.MISSING),
                Arguments.of("key null", keyPath("orderId"), nullKey(), Reason.MISSING),
                Arguments.of("key empty", keyPath("orderId"), Map.of("orderId", ""), Reason.MISSING),
                Arguments.of("key whitespace", keyPath("orderId"), Map.of("orderId", " \t\n\u2003"), Reason.MISSING),
                Arguments.of("key an empty array", keyPath("orderId"), Map.of("orderId", List.of()), Reason.MISSING),
                Arguments.of("key an empty object", keyPath("orderId"), Map.of("orderId", Map.of()),
                        Reason.MISSING),
                Arguments.of("key of 10 KB", keyPath("orderId"), Map.of("orderId", "k".repeat(10 * 1024)),
                        Reason.TOO_LARGE),
                Arguments.of("key of 1,026 UTF-8 bytes (513 two-byte characters)", keyPath("orderId"),
                        Map.of("orderId", "é".repeat(513)), Reason.TOO_LARGE),
                Arguments.of("body not JSON", BODY, Map.of("body", "orderId=1"), Reason.UNREADABLE_EVENT),
                Arguments.of("body JSON with trailing garbage", BODY, Map.of("body", "{\"orderId\":\"o-1\"} x"),
                        Reason.UNREADABLE_EVENT),
                Arguments.of("body truncated JSON", BODY, Map.of("body", "{\"orderId\":\"o-1\""),
                        Reason.UNREADABLE_EVENT),
                Arguments.of("body empty", BODY, Map.of("body", ""), Reason.MISSING),
                Arguments.of("body with a null key", BODY, Map.of("body", "{\"orderId\":null}"), Reason.MISSING),
                Arguments.of("body nested 5,000 deep", BODY, Map.of("body", deepJson), Reason.UNREADABLE_EVENT),
                Arguments.of("body marked base64 that is not base64", BODY, base64Marked("{\"orderId\":\"o-1\"}"),
                        Reason.UNREADABLE_EVENT),
                Arguments.of("validated body marked base64 that is not base64", HEADER_AND_BODY,
                        withHeader(base64Marked("e30=!")), Reason.UNREADABLE_EVENT),
                Arguments.of("base64 body that is not JSON", BODY, base64Marked(base64("orderId=1")),
                        Reason.UNREADABLE_EVENT),
                Arguments.of("base64 body that is binary", BODY, base64Marked("/wAB"), Reason.UNREADABLE_EVENT),
                Arguments.of("base64 body empty", BODY, base64Marked(""), Reason.MISSING),
                Arguments.of("plain-text string event with a key path", keyPath("orderId"), "order 1",
                        Reason.UNREADABLE_EVENT),
                Arguments.of("header missing", HEADER, Map.of("headers", Map.of("Other", "x")), Reason.MISSING),
                Arguments.of("header blank", HEADER, Map.of("headers", Map.of("Idempotency-Key", " ")),
                        Reason.MISSING),
                Arguments.of("self-referencing key value", keyPath("orderId"), Map.of("orderId", selfReferencing),
                        Reason.UNREADABLE_EVENT),
                Arguments.of("self-referencing event, whole-event key", WHOLE, selfReferencing,
                        Reason.UNREADABLE_EVENT),
                Arguments.of("tree nested 100,000 deep, whole-event key", WHOLE, deepNode(100_000),
                        Reason.UNREADABLE_EVENT),
                Arguments.of("event Jackson cannot serialize", keyPath("orderId"), new Unserializable(),
                        Reason.UNREADABLE_EVENT));
    }

    private static Map<String, Object> base64Marked(String body) {
        return Map.of("body", body, "isBase64Encoded", true);
    }

    private static Map<String, Object> withHeader(Map<String, Object> event) {
        Map<String, Object> copy = new HashMap<>(event);
        copy.put("headers", Map.of("Idempotency-Key", "h-1"));
        return copy;
    }

    private static String base64(String text) {
        return base64(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void rejectedWithATypedErrorRunningAndStoringNothing(String name, UnaryOperator<IdempotencyConfig.Builder> config,
            Object event, Reason reason) {
        Probe probe = new Probe(config);
        IdempotencyKeyException e = assertThrows(IdempotencyKeyException.class, () -> probe.call(event));
        assertEquals(reason, e.reason(), e::getMessage);
        assertNull(e.recordId(), "no record id is computed for an unusable key");
        assertFalse(e.getMessage().contains("kkkkkkkk"), "the message never carries the key's value");
        assertEquals(0, probe.executions.get(), "nothing ran");
        probe.assertRecords(0, null);
    }

    @Test
    void unicodeAndControlCharacterKeysAreHashedVerbatimWithoutNormalization() {
        Probe probe = new Probe(keyPath("orderId"));
        List<String> keys = List.of("заказ-№1-😀", "\u0000", "a\u0001\u001f\u007f", "caf\u00e9", "cafe\u0301",
                "\ud800", "line\nbreak");
        for (String key : keys) {
            String first = probe.call(Map.of("orderId", key));
            assertEquals(first, probe.call(Map.of("orderId", key)), "a repeat replays");
        }
        assertEquals(keys.size(), probe.executions.get(), "distinct strings are distinct keys (NFC ≠ NFD)");
        probe.assertRecords(keys.size(), "заказ");
    }

    @Test
    void withAKeyPathOnlyTheKeyOfAMapEventIsRead() {
        Map<String, Object> selfReferencing = new HashMap<>();
        selfReferencing.put("orderId", "self-1");
        selfReferencing.put("me", selfReferencing);
        Probe probe = new Probe(keyPath("orderId"));
        assertEquals("run-1", probe.call(selfReferencing), "a loop outside the key is never touched");
        probe.assertRecords(1, null);
    }

    @Test
    void aKeyOfExactlyMaxKeyBytesUtf8BytesIsAccepted() {
        Probe probe = new Probe(keyPath("orderId"));
        assertEquals("run-1", probe.call(Map.of("orderId", "é".repeat(512))), "512 × 2 bytes = 1,024");
        probe.assertRecords(1, null);
    }

    @Test
    void numbersAndStringsAreDifferentKeysButEqualNumbersAreOneKey() {
        Probe probe = new Probe(keyPath("orderId"));
        assertEquals("run-1", probe.call(Map.of("orderId", 42)));
        assertEquals("run-1", probe.call(Map.of("orderId", 42.0)));
        assertEquals("run-1", probe.call(Map.of("orderId", new BigDecimal("4.20e1"))));
        assertEquals("run-1", probe.call(Map.of("orderId", 42L)));
        assertEquals("run-2", probe.call(Map.of("orderId", "42")), "a string never equals a number");
        assertEquals("run-3", probe.call(Map.of("orderId", true)));
        assertEquals("run-4", probe.call(Map.of("orderId", Map.of("b", 2, "a", 1))), "objects are keys too");
        assertEquals("run-4", probe.call(Map.of("orderId", Map.of("a", 1, "b", 2))), "member order is irrelevant");
        probe.assertRecords(4, null);
    }

    @Test
    void aStringEventIsReadAsJsonWhenAKeyPathIsConfigured() {
        Probe probe = new Probe(keyPath("orderId"));
        assertEquals("run-1", probe.call("{\"orderId\":\"s-1\"}"));
        assertEquals("run-1", probe.call(Map.of("orderId", "s-1")), "the same key as the equivalent object event");
        probe.assertRecords(1, "s-1");
    }

    @Test
    void wholeEventKeysAreExemptFromMaxKeyBytesAndHashed() {
        Probe probe = new Probe(WHOLE);
        Map<String, Object> big = Map.of("orderId", "k".repeat(10 * 1024));
        assertEquals("run-1", probe.call(big));
        assertEquals("run-1", probe.call(big));
        assertEquals("run-2", probe.call(Map.of("orderId", "")), "a non-empty event is a key even if its fields "
                + "are blank");
        assertEquals("run-3", probe.call("plain text"), "a plain string event is its own key");
        probe.assertRecords(3, "kkkkkkkk");
    }

    @Test
    void hugeAndDeepEventsWithAKeyPathStoreOnlyTheRecord() {
        Probe probe = new Probe(keyPath("orderId"));
        Map<String, Object> huge = Map.of("orderId", "huge-1", "blob", "x".repeat(5 * 1024 * 1024));
        assertEquals("run-1", probe.call(huge));
        assertEquals("run-1", probe.call(huge));
        // 1,000 levels: the deepest event Lambda's own deserializer accepts (Jackson's default nesting limit); where
        // a deeper one overflows the stack depends on the thread's stack and the JIT state, and it is then refused
        // with a typed error (see the 100,000-deep case)
        Map<String, Object> deep = Map.of("orderId", "deep-1", "nested", deepList(1_000));
        assertEquals("run-2", probe.call(deep));
        assertEquals("run-2", probe.call(deep));
        probe.assertRecords(2, "xxxxxxxx");
        probe.records().forEach(item -> assertTrue(item.get("data").s().length() < 16, item::toString));
    }

    @Test
    void base64BodiesAreReadAsTheirDecodedContent() {
        Probe byBody = new Probe(BODY);
        assertEquals("run-1", byBody.call(Map.of("body", "{\"orderId\":\"b-1\",\"n\":1}")));
        assertEquals("run-1", byBody.call(base64Marked(base64("{ \"n\": 1.0, \"orderId\": \"b-1\" }"))),
                "plain and base64 forms of one JSON body are one request");
        byBody.assertRecords(1, "b-1");

        Probe binary = new Probe(HEADER_AND_BODY);
        byte[] image = {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xff};
        assertEquals("run-1", binary.call(withHeader(base64Marked(base64(image)))));
        assertEquals("run-1", binary.call(withHeader(base64Marked(base64(image)))), "binary bodies by their bytes");
        image[5] = 0;
        assertThrows(IdempotencyPayloadMismatchException.class,
                () -> binary.call(withHeader(base64Marked(base64(image)))));
        binary.assertRecords(1, null);
    }

    @Test
    void headersMatchCaseInsensitivelyAndMultiValueHeadersUseTheFirstValue() {
        Probe probe = new Probe(HEADER);
        assertEquals("run-1", probe.call(Map.of("headers", Map.of("idempotency-KEY", "h-1"))));
        assertEquals("run-1", probe.call(Map.of("multiValueHeaders", Map.of("Idempotency-Key", List.of("h-1", "x")))));
        probe.assertRecords(1, "h-1");
    }

    @Test
    void explicitKeysRejectBlankAndSelfReferencingPayloads() {
        IdempotentOperation<String> operation = Idempotency.builder().store(store)
                .config(IdempotencyConfig.builder(Map.of()).functionName("bad-input-operation").build()).build()
                .operation("charge", String.class);
        Map<String, Object> selfReferencing = new HashMap<>();
        selfReferencing.put("me", selfReferencing);
        assertEquals(Reason.MISSING, assertThrows(IdempotencyKeyException.class,
                () -> operation.call(" ", () -> "x")).reason());
        assertEquals(Reason.UNREADABLE_EVENT, assertThrows(IdempotencyKeyException.class,
                () -> operation.call("k-1", selfReferencing, null, () -> "x")).reason());
        assertEquals(Reason.TOO_LARGE, assertThrows(IdempotencyKeyException.class,
                () -> operation.call("k".repeat(2_000), () -> "x")).reason());
    }

    private static Map<String, Object> nullKey() {
        Map<String, Object> event = new HashMap<>();
        event.put("orderId", null);
        return event;
    }

    private static Object deepList(int depth) {
        List<Object> root = new ArrayList<>();
        List<Object> current = root;
        for (int i = 0; i < depth; i++) {
            List<Object> next = new ArrayList<>();
            current.add(next);
            current = next;
        }
        return root;
    }

    private static JsonNode deepNode(int depth) {
        ArrayNode root = JsonNodeFactory.instance.arrayNode();
        ArrayNode current = root;
        for (int i = 0; i < depth; i++) {
            current = current.addArray();
        }
        return root;
    }

    /** A bean whose getter fails: Jackson cannot turn it into a tree. */
    public static final class Unserializable {
        /**
         * @return never
         */
        public String getOrderId() {
            throw new IllegalStateException("not readable");
        }
    }
}
