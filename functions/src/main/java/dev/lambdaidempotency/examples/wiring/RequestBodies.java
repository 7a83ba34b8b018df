package dev.lambdaidempotency.examples.wiring;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Request bodies as the samples read them: API Gateway may deliver a JSON body base64-encoded (binary media types). */
public final class RequestBodies {
    private RequestBodies() {
    }

    /**
     * @param event the request
     * @return its body as text, decoded when it is flagged as base64; {@code null} when there is none
     * @throws IllegalArgumentException when the body is flagged as base64 but is not valid base64
     */
    public static String text(APIGatewayProxyRequestEvent event) {
        String body = event.getBody();
        if (body == null || !Boolean.TRUE.equals(event.getIsBase64Encoded())) {
            return body;
        }
        try {
            return new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the body is flagged as base64 but is not valid base64", e);
        }
    }
}
