package dev.lambdaidempotency.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The representative event priming derives keys from: built from the configured paths, bodies as JSON text. */
class RepresentativeEventTest {

    @Test
    void aHeaderKeyAndAValidatedBodyAsApiGatewaySendsThem() {
        assertEquals(Map.of("headers", Map.of("Idempotency-Key", "prime-key"), "body", "{\"amount\":1}"),
                RepresentativeEvent.of(List.of("headers.Idempotency-Key",
                        "multiValueHeaders.Idempotency-Key[0]"), "body"));
    }

    @Test
    void aKeyInsideTheBodyMakesTheBodyJsonText() {
        assertEquals(Map.of("body", "{\"order\":{\"id\":\"prime-key\"}}"),
                RepresentativeEvent.of(List.of("$.body.order.id"), "body"));
    }

    @Test
    void indexesBecomeLists() {
        assertEquals(Map.of("Records", Arrays.asList(null, Map.of("messageId", "prime-key"))),
                RepresentativeEvent.of(List.of("Records[1].messageId"), null));
    }

    @Test
    void theWholeEventAsKeyIsASmallObject() {
        assertEquals(Map.of("orderId", "prime-key", "amount", 1), RepresentativeEvent.of(List.of(), null));
    }

    @Test
    void samplesStartWithWhatTheTypeMostLikelyReads() {
        assertEquals("\"prime\"", Priming.samplesFor(String.class).get(0));
        assertEquals("0", Priming.samplesFor(long.class).get(0));
        assertEquals("[]", Priming.samplesFor(List.class).get(0));
        assertEquals("{}", Priming.samplesFor(Map.class).get(0));
        assertEquals(5, Priming.samplesFor(Object.class).size());
    }
}
