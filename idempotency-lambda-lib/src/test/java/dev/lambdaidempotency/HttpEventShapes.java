package dev.lambdaidempotency;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerRequestEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * The shapes an HTTP event with a body reaches a handler in: the aws-lambda-java-events classes, and the same JSON
 * as a {@code Map} (a {@code RequestHandler<Map<String, Object>, ?>}), a {@code JsonNode} and a JSON string. Every
 * event carries the header {@code Idempotency-Key: k-1}.
 */
final class HttpEventShapes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpEventShapes() {
    }

    /** One shape; use as a JUnit {@code @MethodSource} argument. */
    static final class Shape {
        private final String name;
        private final BiFunction<String, Boolean, Object> factory;

        private Shape(String name, BiFunction<String, Boolean, Object> factory) {
            this.name = name;
            this.factory = factory;
        }

        /**
         * @param body   the body
         * @param base64 the {@code isBase64Encoded} flag
         * @return the event
         */
        Object event(String body, boolean base64) {
            return factory.apply(body, base64);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * @return every shape
     */
    static Stream<Shape> all() {
        return Stream.of(
                new Shape("APIGatewayProxyRequestEvent (REST API)", (body, base64) -> new APIGatewayProxyRequestEvent()
                        .withHeaders(Map.of("Idempotency-Key", "k-1")).withBody(body).withIsBase64Encoded(base64)),
                new Shape("APIGatewayV2HTTPEvent (HTTP API, function URL)", (body, base64) -> APIGatewayV2HTTPEvent
                        .builder().withHeaders(Map.of("idempotency-key", "k-1")).withBody(body)
                        .withIsBase64Encoded(base64).build()),
                new Shape("ApplicationLoadBalancerRequestEvent", (body, base64) -> {
                    ApplicationLoadBalancerRequestEvent event = new ApplicationLoadBalancerRequestEvent();
                    event.setHeaders(Map.of("idempotency-key", "k-1"));
                    event.setBody(body);
                    event.setIsBase64Encoded(base64);
                    return event;
                }),
                new Shape("APIGatewayV2WebSocketEvent", (body, base64) -> {
                    APIGatewayV2WebSocketEvent event = new APIGatewayV2WebSocketEvent();
                    event.setHeaders(Map.of("Idempotency-Key", "k-1"));
                    event.setBody(body);
                    event.setIsBase64Encoded(base64);
                    return event;
                }),
                new Shape("Map", HttpEventShapes::map),
                new Shape("JsonNode", (body, base64) -> JSON.valueToTree(map(body, base64))),
                new Shape("JSON string", (body, base64) -> JSON.valueToTree(map(body, base64)).toString()));
    }

    /**
     * @param body   the body
     * @param base64 the {@code isBase64Encoded} flag
     * @return the event as the Lambda runtime hands it to a {@code Map} handler
     */
    static Map<String, Object> map(String body, boolean base64) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("headers", Map.of("Idempotency-Key", "k-1"));
        event.put("requestContext", Map.of("requestId", "r-1"));
        event.put("body", body);
        event.put("isBase64Encoded", base64);
        return event;
    }
}
