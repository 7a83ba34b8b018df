package dev.lambdaidempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdaidempotency.spi.ClaimResult;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.spi.RecordStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The public entry point: builder validation, and everything decided before the store is asked (key selection and
 * its errors, record ids, the claim written). Engine behaviour against real stores is in integration-tests.
 */
class IdempotencyTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00.250Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);



    private final ClaimCapture store = new ClaimCapture(NOW);

    private Idempotency idempotency(UnaryOperator<IdempotencyConfig.Builder> settings) {
        return Idempotency.builder().store(store)
                .config(settings.apply(IdempotencyConfig.builder(Map.of()).functionName("fn").clock(CLOCK)).build())
                .build();
    }

    private RequestHandler<Object, String> handler(UnaryOperator<IdempotencyConfig.Builder> settings) {
        return idempotency(settings).wrap((event, context) -> "ran", String.class);
    }

    /** The claim a handler writes for {@code event}. */
    private IdempotencyRecord claimFor(UnaryOperator<IdempotencyConfig.Builder> settings, Object event) {
        assertThrows(ClaimCapture.Stop.class, () -> handler(settings).handleRequest(event, null));
        return store.claim;
    }

    private static String sha256(String canonical) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                canonical.getBytes(StandardCharsets.UTF_8)));
    }

    private static IdempotencyKeyException keyError(RequestHandler<Object, String> handler, Object event) {
        return assertThrows(IdempotencyKeyException.class, () -> handler.handleRequest(event, null));
    }

    @Test
    void aStoreIsRequired() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Idempotency.builder().build());
        assertEquals("store is required: Idempotency.builder().store(...)", e.getMessage());
    }

    @Test
    void builderArgumentsAreNamed() {
        Idempotency.Builder b = Idempotency.builder();
        assertEquals("store", assertThrows(NullPointerException.class, () -> b.store(null)).getMessage());
        assertEquals("config", assertThrows(NullPointerException.class, () -> b.config(null)).getMessage());
        assertEquals("tracer", assertThrows(NullPointerException.class, () -> b.tracer(null)).getMessage());
        assertEquals("metrics", assertThrows(NullPointerException.class, () -> b.metrics(null)).getMessage());
        assertEquals("objectMapper", assertThrows(NullPointerException.class, () -> b.objectMapper(null))
                .getMessage());
        Idempotency idempotency = idempotency(c -> c);
        assertEquals("handler", assertThrows(NullPointerException.class,
                () -> idempotency.wrap(null, String.class)).getMessage());
        assertEquals("outputType", assertThrows(NullPointerException.class,
                () -> idempotency.wrap((e, c) -> "x", null)).getMessage());
        assertEquals("name", assertThrows(NullPointerException.class,
                () -> idempotency.operation(null, String.class)).getMessage());
        assertEquals("resultType", assertThrows(NullPointerException.class,
                () -> idempotency.operation("x", null)).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "a#b", "a@b", "a/b"})
    void operationNamesAreChecked(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> idempotency(c -> c).operation(name, String.class));
        assertEquals("operation name must be 1-140 characters of [A-Za-z0-9._:-], was \"" + name + "\"",
                e.getMessage());
    }

    @Test
    void operationNamesMayUseTheDocumentedCharacters() {
        assertEquals("IdempotentOperation[fn@Charge.v2:eu-1_x]",
                idempotency(c -> c).operation("Charge.v2:eu-1_x", String.class).toString());
        assertThrows(IllegalArgumentException.class, () -> idempotency(c -> c).operation("a".repeat(141),
                String.class));
    }

    @Test
    void describesItsScope() {
        assertEquals("Idempotency[fn]", idempotency(c -> c).toString());
        assertEquals("Idempotency[fn#v2]", idempotency(c -> c.keySpace("v2")).toString());
        assertEquals("fn", idempotency(c -> c).config().functionName());
    }

    @Test
    void theRecordIdIsTheScopeAndTheSha256OfTheCanonicalKey() throws Exception {
        assertEquals("fn#" + sha256("\"o-1\""), claimFor(c -> c.keyPath("orderId"),
                Map.of("orderId", "o-1")).id());
        assertEquals("fn#v2#" + sha256("\"o-1\""), claimFor(c -> c.keyPath("orderId").keySpace("v2"),
                Map.of("orderId", "o-1")).id());
        assertEquals("fn#" + sha256("{\"a\":1,\"b\":[true]}"), claimFor(c -> c, Map.of("b", new boolean[] {true},
                "a", 1.0)).id(), "whole event");
        assertEquals("fn#" + sha256("42"), claimFor(c -> c.keyPath("orderId"), Map.of("orderId", 42)).id(),
                "a number key stays a number");
    }

    @Test
    void anOperationsRecordIdHasItsOwnScope() throws Exception {
        IdempotentOperation<String> charge = idempotency(c -> c).operation("charge", String.class);
        assertThrows(ClaimCapture.Stop.class, () -> charge.call("o-1", () -> "x"));
        assertEquals("fn#@charge#" + sha256("\"o-1\""), store.claim.id());
        assertNull(store.claim.payloadHash());
        assertThrows(ClaimCapture.Stop.class, () -> charge.call("o-1", Map.of("amount", 10), null, () -> "x"));
        assertEquals(sha256("{\"amount\":10}"), store.claim.payloadHash());
    }

    @Test
    void theClaimIsAnInProgressRecordHeldForTheLeaseOutsideLambda() throws Exception {
        IdempotencyRecord claim = claimFor(c -> c.keyPath("orderId").payloadPath("amount")
                .recordTtl(Duration.ofMinutes(10)).inProgressLease(Duration.ofSeconds(42)),
                Map.of("orderId", "o-1", "amount", 12.50));
        assertEquals(RecordStatus.IN_PROGRESS, claim.status());
        assertEquals(NOW.plus(Duration.ofMinutes(10)), claim.expiresAt());
        assertEquals(NOW.plusSeconds(42), claim.inProgressExpiresAt());
        assertEquals(sha256("12.5"), claim.payloadHash());
        assertTrue(claim.ownerToken().matches("[0-9a-f]{32}"), claim.ownerToken());
        assertNull(claim.result());
        String first = claim.ownerToken();
        assertNotEquals(first, claimFor(c -> c.keyPath("orderId"), Map.of("orderId", "o-1")).ownerToken(),
                "every invocation has its own owner token");
    }

    @Test
    void whileInProgressTheRecordOutlivesItsClaimEvenWithAShortTtl() {
        IdempotencyRecord claim = claimFor(c -> c.keyPath("orderId").recordTtl(Duration.ofSeconds(10))
                .inProgressLease(Duration.ofSeconds(42)), Map.of("orderId", "o-1"));
        assertEquals(NOW.plusSeconds(42), claim.inProgressExpiresAt());
        assertEquals(NOW.plusSeconds(42), claim.expiresAt());
    }

    @Test
    void aJsonStringEventIsReadAsJson() throws Exception {
        assertEquals("fn#" + sha256("\"o-1\""), claimFor(c -> c.keyPath("orderId"),
                "{\"orderId\":\"o-1\"}").id());
    }

    @Test
    void aMissingKeyIsRejectedBeforeTheStoreIsAsked() {
        RequestHandler<Object, String> handler = handler(c -> c.keyPath("detail.orderId"));
        for (Object event : new Object[] {Map.of(), Map.of("detail", Map.of()), Map.of("detail", Map.of(
                "orderId", "")), Map.of("detail", Map.of("orderId", Map.of())), Map.of("detail", "null")}) {
            IdempotencyKeyException e = keyError(handler, event);
            assertEquals(IdempotencyKeyException.Reason.MISSING, e.reason(), event.toString());
            assertEquals("the event has no idempotency key at detail.orderId", e.getMessage());
            assertNull(e.recordId());
        }
        assertEquals("the event has no idempotency key at $ (the whole event)",
                keyError(handler(c -> c), Map.of()).getMessage());
        assertNull(store.claim);
    }

    @Test
    void falseAndZeroAreKeys() throws Exception {
        assertEquals("fn#" + sha256("0"), claimFor(c -> c.keyPath("k"), Map.of("k", 0)).id());
        assertEquals("fn#" + sha256("false"), claimFor(c -> c.keyPath("k"), Map.of("k", false)).id());
    }

    @Test
    void aTooLargeKeyIsRejectedByItsSize() {
        RequestHandler<Object, String> handler = handler(c -> c.keyPath("k").maxKeyBytes(10));
        IdempotencyKeyException e = keyError(handler, Map.of("k", "x".repeat(11)));  // a string: its UTF-8 bytes
        assertEquals(IdempotencyKeyException.Reason.TOO_LARGE, e.reason());
        assertEquals("the idempotency key at k is 11 bytes; at most 10 are accepted (maxKeyBytes)", e.getMessage());
        assertThrows(ClaimCapture.Stop.class, () -> handler.handleRequest(Map.of("k", "x".repeat(10)), null));
        assertEquals(IdempotencyKeyException.Reason.TOO_LARGE,
                keyError(handler, Map.of("k", "\u00e9".repeat(6))).reason(), "6 two-byte characters are 12 bytes");
        assertEquals(IdempotencyKeyException.Reason.TOO_LARGE,
                keyError(handler, Map.of("k", List.of(1234, 5678))).reason(), "[1234,5678]: 11 canonical bytes");
        assertThrows(ClaimCapture.Stop.class, () -> handler(c -> c.maxKeyBytes(1)).handleRequest(Map.of("k", "x".repeat(100)),
                null), "a whole-event key is exempt");
    }

    @Test
    void aBodyThatIsNotJsonMakesTheKeyUnreadable() {
        RequestHandler<Object, String> handler = handler(c -> c.keyPath("body.orderId"));
        IdempotencyKeyException e = keyError(handler, Map.of("body", "orderId=o-1"));
        assertEquals(IdempotencyKeyException.Reason.UNREADABLE_EVENT, e.reason());
        assertEquals("cannot read the idempotency key at body.orderId: $.body is a string that is not valid JSON",
                e.getMessage());
        assertEquals(IdempotencyKeyException.Reason.UNREADABLE_EVENT,
                keyError(handler, Map.of("body", "{\"orderId\":\"o-1\"} trailing")).reason(),
                "a body with content after its JSON value is not JSON");
    }

    @Test
    void aPayloadPathIntoANonJsonBodyMakesTheEventUnreadable() {
        IdempotencyKeyException e = keyError(handler(c -> c.keyPath("id").payloadPath("body.amount")),
                Map.of("id", "k", "body", "amount=1"));
        assertEquals(IdempotencyKeyException.Reason.UNREADABLE_EVENT, e.reason());
        assertEquals("cannot read the validated payload at body.amount: $.body is a string that is not valid JSON",
                e.getMessage());
        assertEquals(e.getMessage(), keyError(handler(c -> c.keyPath("id").payloadPath("body.amount")),
                new ObjectMapper().valueToTree(Map.of("id", "k", "body", "amount=1")))
                .getMessage(), "the same from the tree walk");
    }

    @Test
    void anEventJacksonCannotSerializeIsUnreadable() {
        IdempotencyKeyException e = keyError(handler(c -> c), new Object());
        assertEquals(IdempotencyKeyException.Reason.UNREADABLE_EVENT, e.reason());
        assertTrue(e.getMessage().startsWith("an event of type java.lang.Object cannot be read as JSON: "),
                e.getMessage());
    }

    @Test
    void theApplicationsObjectMapperReadsEvents() throws Exception {
        ObjectMapper upperCase = new ObjectMapper().setPropertyNamingStrategy(
                com.fasterxml.jackson.databind.PropertyNamingStrategies.UPPER_CAMEL_CASE);
        record Order(String orderId) {
        }
        RequestHandler<Object, String> handler = Idempotency.builder().store(store).objectMapper(upperCase)
                .config(IdempotencyConfig.builder(Map.of()).functionName("fn").keyPath("OrderId").clock(CLOCK)
                        .build())
                .build().wrap((event, context) -> "x", String.class);
        assertThrows(ClaimCapture.Stop.class, () -> handler.handleRequest(new Order("o-1"), null));
        assertEquals("fn#" + sha256("\"o-1\""), store.claim.id());
    }

    @Test
    void runWithoutIdempotencyNeverTouchesTheStore() {
        RequestHandler<Object, String> handler = handler(c -> c.keyPath("k")
                .missingKeyPolicy(MissingKeyPolicy.RUN_WITHOUT_IDEMPOTENCY));
        assertEquals("ran", handler.handleRequest(Map.of(), null));
        IllegalStateException boom = new IllegalStateException();
        RequestHandler<Object, String> failing = idempotency(c -> c.keyPath("k")
                .missingKeyPolicy(MissingKeyPolicy.RUN_WITHOUT_IDEMPOTENCY)).wrap((event, context) -> {
                    throw boom;
                }, String.class);
        assertSame(boom, assertThrows(IllegalStateException.class, () -> failing.handleRequest(Map.of(), null)));
        assertNull(store.claim);
    }
}
