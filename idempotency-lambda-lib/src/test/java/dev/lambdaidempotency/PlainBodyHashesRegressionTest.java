package dev.lambdaidempotency;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerRequestEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guards the record ids and payload hashes of plain (not base64-encoded) bodies: records written by earlier versions
 * must keep matching. The expected values are literals computed before base64 bodies were decoded; never update them
 * to make a change pass.
 */
class PlainBodyHashesRegressionTest {
    private static final String ORDER = "{\"orderId\": \"o-1\", \"amount\": 12.50, \"lines\": [{\"sku\": \"s-1\"}]}";
    private static final String FORM = "orderId=o-1&amount=12.50";

    // SHA-256 of the canonical JSON texts in the comments (checked with sha256sum)
    /** {@code "k-1"}. */
    private static final String HEADER_KEY = "fn#f613e2ddb1ed1aefc2d87a1bc773c3a3e671f40809ffe8875486d58482e5259a";
    /** {@code "o-1"}. */
    private static final String BODY_KEY = "fn#00d5c8b71f851bbe47626a189b20fb19c11753e244bb658095c370ba3798f85c";
    /** <code>{"amount":12.5,"lines":[{"sku":"s-1"}],"orderId":"o-1"}</code>. */
    private static final String ORDER_HASH = "33ea2ab90a078f5217d5cbee3bb3becda412f663f39fbf290c5da153ed015e45";
    /** {@code "orderId=o-1&amount=12.50"}: a body that is not JSON is hashed as a string. */
    private static final String FORM_HASH = "c5bed14f1d7e7a499517683105602bbcb63e7251473c5474db351ede0816ab48";
    /** {@code "eyJvcmRlcklkIjogIm8tMSIsICJhbW91bnQiOiAxMi41MCwgImxpbmVzIjogW3sic2t1IjogInMtMSJ9XX0="}. */
    private static final String UNMARKED_BASE64_HASH =
            "7b71bc643a772fede34972fb24afd8b9b05aa09fa346413f3d926d0a927f556e";
    /** <code>{"body":"eyJhIjoxfQ==","headers":{"Idempotency-Key":"k-1"},"isBase64Encoded":true}</code>. */
    private static final String WHOLE_EVENT = "fn#ea224cb666d327cb7426437629234e11b6e70d4d55ff39f4d556351cfcb85963";

    private static String claimed(UnaryOperator<IdempotencyConfig.Builder> settings, Object event) {
        return ClaimedKeys.keys(settings, event);
    }

    private static Map<String, Object> mapEvent(String body, Object base64Flag) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("headers", Map.of("Idempotency-Key", "k-1"));
        event.put("body", body);
        if (base64Flag != null) {
            event.put("isBase64Encoded", base64Flag);
        }
        return event;
    }

    @Test
    void plainBodiesKeepTheirRecordIdsAndPayloadHashes() {
        UnaryOperator<IdempotencyConfig.Builder> headerAndBody = c -> c.keyHeader("Idempotency-Key")
                .payloadPath("body");
        UnaryOperator<IdempotencyConfig.Builder> bodyKeyAndBody = c -> c.keyPath("body.orderId").payloadPath("body");
        APIGatewayProxyRequestEvent v1 = new APIGatewayProxyRequestEvent()
                .withHeaders(Map.of("Idempotency-Key", "k-1")).withBody(ORDER).withIsBase64Encoded(false);
        APIGatewayProxyRequestEvent v1Unflagged = new APIGatewayProxyRequestEvent().withBody(ORDER);
        APIGatewayV2HTTPEvent v2 = APIGatewayV2HTTPEvent.builder().withHeaders(Map.of("idempotency-key", "k-1"))
                .withBody(ORDER).withIsBase64Encoded(false).build();
        ApplicationLoadBalancerRequestEvent alb = new ApplicationLoadBalancerRequestEvent();
        alb.setHeaders(Map.of("Idempotency-Key", "k-1"));
        alb.setBody(FORM);
        String headerKeyOrder = HEADER_KEY + " " + ORDER_HASH;
        String bodyKeyOrder = BODY_KEY + " " + ORDER_HASH;
        assertAll(
                () -> assertEquals(headerKeyOrder, claimed(headerAndBody, v1), "v1 class, header key, JSON body"),
                () -> assertEquals(bodyKeyOrder, claimed(bodyKeyAndBody, v1Unflagged), "v1 class, key in the body"),
                () -> assertEquals(headerKeyOrder, claimed(headerAndBody, v2), "v2 class"),
                () -> assertEquals(HEADER_KEY + " " + FORM_HASH, claimed(headerAndBody, alb), "ALB class, form body"),
                () -> assertEquals(bodyKeyOrder, claimed(bodyKeyAndBody, mapEvent(ORDER, false)), "Map event"),
                () -> assertEquals(HEADER_KEY + " " + FORM_HASH, claimed(headerAndBody, mapEvent(FORM, null)),
                        "Map event, form body"),
                () -> assertEquals(bodyKeyOrder, claimed(bodyKeyAndBody,
                        new ObjectMapper().valueToTree(mapEvent(ORDER, null))), "JsonNode event"),
                () -> assertEquals(WHOLE_EVENT + " null", claimed(c -> c, mapEvent("eyJhIjoxfQ==", true)),
                        "a whole-event key hashes a flagged body as its base64 text"));
    }

    /** Base64-looking text in a body that is not marked {@code isBase64Encoded} is the body itself. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.lambdaidempotency.HttpEventShapes#all")
    void aBodyNotMarkedBase64IsNeverDecoded(HttpEventShapes.Shape shape) {
        String encoded = Base64.getEncoder().encodeToString(ORDER.getBytes(StandardCharsets.UTF_8));
        assertEquals("eyJvcmRlcklkIjogIm8tMSIsICJhbW91bnQiOiAxMi41MCwgImxpbmVzIjogW3sic2t1IjogInMtMSJ9XX0=", encoded);
        assertEquals(HEADER_KEY + " " + UNMARKED_BASE64_HASH,
                claimed(c -> c.keyHeader("Idempotency-Key").payloadPath("body"), shape.event(encoded, false)));
        IdempotencyKeyException e = ClaimedKeys.keyError(c -> c.keyPath("body.orderId"), shape.event(encoded, false));
        assertEquals("cannot read the idempotency key at body.orderId: $.body is a string that is not valid JSON",
                e.getMessage());
    }
}
