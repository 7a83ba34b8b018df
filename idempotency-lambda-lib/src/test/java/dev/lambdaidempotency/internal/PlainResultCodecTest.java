package dev.lambdaidempotency.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lambdaidempotency.spi.ResultCodec;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The codec used without databind: round trips, and records written by databind (before an upgrade, or by another
 * instance during a deployment) read back, and the other way round.
 */
class PlainResultCodecTest {
    private static final ObjectMapper DATABIND = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /** A result record. */
    public record Receipt(String orderId, String status, long amountCents, BigDecimal rate, List<Line> lines,
            Map<String, Integer> counts, Status state, boolean paid, int[] codes) {
    }

    /** A nested record. */
    public record Line(String sku, int qty) {
    }

    /** An enum. */
    public enum Status { NEW, DONE }

    private static final Receipt RECEIPT = new Receipt("o-1", "ok", 1250, new BigDecimal("0.10"),
            List.of(new Line("a", 1), new Line("b", 2)), Map.of("x", 1), Status.DONE, true, new int[] {7, 8});

    private static <T> ResultCodec.Binding<T> plain(Class<T> type) {
        return PlainResultCodec.INSTANCE.bind(type);
    }

    private static void assertSameReceipt(Receipt expected, Receipt actual) {
        assertEquals(expected.orderId(), actual.orderId());
        assertEquals(expected.amountCents(), actual.amountCents());
        assertEquals(0, expected.rate().compareTo(actual.rate()));
        assertEquals(expected.lines(), actual.lines());
        assertEquals(expected.counts(), actual.counts());
        assertEquals(expected.state(), actual.state());
        assertEquals(expected.paid(), actual.paid());
        assertArrayEquals(expected.codes(), actual.codes());
    }

    @Test
    void recordsRoundTripAndReadWhatDatabindWrote() throws IOException {
        ResultCodec.Binding<Receipt> codec = plain(Receipt.class);
        assertSameReceipt(RECEIPT, codec.decode(codec.encode(RECEIPT)));
        assertSameReceipt(RECEIPT, codec.decode(DATABIND.writeValueAsBytes(RECEIPT)));
        assertSameReceipt(RECEIPT, DATABIND.readValue(codec.encode(RECEIPT), Receipt.class));
        assertEquals(DATABIND.readTree(DATABIND.writeValueAsBytes(RECEIPT)), DATABIND.readTree(codec.encode(RECEIPT)),
                "the same JSON as databind writes");
    }

    @Test
    void theApiGatewayResponseRoundTrips() throws IOException {
        APIGatewayProxyResponseEvent response = new APIGatewayProxyResponseEvent().withStatusCode(201)
                .withHeaders(Map.of("Content-Type", "application/json"))
                .withMultiValueHeaders(Map.of("Set-Cookie", List.of("a=1", "b=2"))).withBody("{\"id\":1}")
                .withIsBase64Encoded(false);
        ResultCodec.Binding<APIGatewayProxyResponseEvent> codec = plain(APIGatewayProxyResponseEvent.class);
        assertEquals(response, codec.decode(codec.encode(response)));
        assertEquals(response, codec.decode(DATABIND.writeValueAsBytes(response)));
        assertEquals(response, DATABIND.readValue(codec.encode(response), APIGatewayProxyResponseEvent.class));
    }

    @Test
    void scalarsCollectionsAndUntypedValuesRoundTrip() throws IOException {
        assertEquals("text", plain(String.class).decode(plain(String.class).encode("text")));
        assertEquals(42, plain(int.class).decode(plain(int.class).encode(42)));
        assertNull(plain(String.class).decode(plain(String.class).encode(null)));
        assertEquals(Map.of("a", List.of(1, 2.5, "x", true)),
                plain(Object.class).decode("{\"a\":[1,2.5,\"x\",true]}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Set.of("b", "a"), plain(Set.class).decode("[\"a\",\"b\"]".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Status.NEW, plain(Status.class).decode("\"NEW\"".getBytes(StandardCharsets.UTF_8)));
        assertEquals(7L, plain(Long.class).decode("\"7\"".getBytes(StandardCharsets.UTF_8)),
                "databind's default coercion of a numeric string");
    }

    @Test
    void unknownMembersAreIgnoredAndMismatchesAreIoErrors() throws IOException {
        assertEquals(new Line("a", 1), plain(Line.class).decode(
                "{\"sku\":\"a\",\"qty\":1,\"added\":{\"later\":true}}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> plain(Line.class).decode("[1]".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> plain(Line.class).decode(
                "{\"qty\":\"many\"}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> plain(int.class).decode("3000000000".getBytes(StandardCharsets.UTF_8)));
    }

    /** Renamed by an annotation only databind reads. */
    public record Annotated(@JsonProperty("order_id") String orderId) {
    }

    /** Holds a value without a plain JSON form, two levels down. */
    public record Nested(List<Map<String, Instant>> times) {
    }

    @Test
    void typesItCannotRecordAreRefusedWhenBoundAtAnyDepth() {
        for (Class<?> refused : List.of(Instant.class, Runnable.class, Annotated.class, Nested.class)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plain(refused));
            assertTrue(e.getMessage().startsWith("results of type " + refused.getName() + " cannot be recorded "
                    + "without jackson-databind: "), e.getMessage());
        }
        assertEquals("results of type " + Nested.class.getName() + " cannot be recorded without jackson-databind: "
                + "java.time.Instant has no JSON form without a jackson-databind module; add jackson-databind to the "
                + "function, or pass a ResultCodec (Idempotency.builder().resultCodec(...))",
                assertThrows(IllegalArgumentException.class, () -> plain(Nested.class)).getMessage());
    }
}
