package dev.lambdaidempotency.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Per-invocation work of deriving keys: a body the key and the payload both come from is read once. */
class RequestKeysTest {
    private static final String BODY = "{\"orderId\":\"o-1\",\"amount\":12.50}";
    private static final String BASE64_BODY = Base64.getEncoder().encodeToString(BODY.getBytes(StandardCharsets.UTF_8));

    /** Counts the parses of JSON text: one per parse of {@link #BODY}. */
    private final AtomicInteger parsedObjects = new AtomicInteger();
    private final RequestKeys keys = new RequestKeys("fn", List.of("body.orderId"), "body", 1024,
            EventTrees.DEFAULT, json -> {
                parsedObjects.incrementAndGet();
                return JsonText.parse(json);
            });

    private RequestKeys.Keys derive(Object event) {
        parsedObjects.set(0);
        RequestKeys.Keys derived = keys.fromEvent(event, "body.orderId");
        assertEquals(1, parsedObjects.get(), "the body is parsed once for the key and the payload: " + event);
        return derived;
    }

    @Test
    void aBodyIsDecodedAndParsedOncePerInvocation() {
        RequestKeys.Keys plain = derive(Map.of("body", BODY));
        assertEquals(plain, derive(Map.of("body", BASE64_BODY, "isBase64Encoded", true)), "Map walk");
        assertEquals(plain, derive(EventTrees.DEFAULT.apply(Map.of("body", BASE64_BODY, "isBase64Encoded", true))),
                "tree");
    }
}
