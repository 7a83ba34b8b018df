package dev.lambdaidempotency.it.codec;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.spi.StoredResult;
import dev.lambdaidempotency.testkit.InMemoryIdempotencyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs in a class loader without jackson-databind ({@link WithoutDatabindTest}): what a function that brings no
 * Jackson of its own does. Returns what it observed, one line per fact.
 */
public final class WithoutDatabindScenario implements Callable<List<String>> {
    /** A result record. */
    public record Receipt(String orderId, long amountCents) {
    }

    @Override
    public List<String> call() {
        List<String> seen = new ArrayList<>();
        try {
            Class.forName("com.fasterxml.jackson.databind.ObjectMapper");
            seen.add("databind present");
        } catch (ClassNotFoundException expected) {
            seen.add("databind absent");
        }
        InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();
        AtomicInteger runs = new AtomicInteger();
        Idempotency idempotency = Idempotency.builder().store(store)
                .config(IdempotencyConfig.builder(Map.of()).functionName("fn").keyPath("orderId").build()).build();
        RequestHandler<Map<String, Object>, Receipt> handler = idempotency.wrap(
                (event, context) -> new Receipt((String) event.get("orderId"), 100L * runs.incrementAndGet()),
                Receipt.class);
        Receipt first = handler.handleRequest(Map.of("orderId", "o-1"), null);
        Receipt replay = handler.handleRequest(Map.of("orderId", "o-1"), null);
        seen.add("record: ran " + runs.get() + ", replayed equal " + first.equals(replay));
        seen.add("stored " + ((StoredResult.Inline) store.records().values().iterator().next().result()).json());

        Idempotency http = Idempotency.builder().store(store).config(IdempotencyConfig.builder(Map.of())
                .functionName("api").keyHeader("Idempotency-Key").payloadPath("body").build()).build();
        RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> api = http.wrap(
                (event, context) -> new APIGatewayProxyResponseEvent().withStatusCode(201)
                        .withHeaders(Map.of("X-Run", String.valueOf(runs.incrementAndGet()))).withBody(event.getBody()),
                APIGatewayProxyResponseEvent.class);
        APIGatewayProxyRequestEvent request = new APIGatewayProxyRequestEvent()
                .withHeaders(Map.of("idempotency-key", "k-1")).withBody("{\"amount\":1}");
        APIGatewayProxyResponseEvent created = api.handleRequest(request, null);
        APIGatewayProxyResponseEvent again = api.handleRequest(request.withBody("{ \"amount\" : 1.0 }"), null);
        seen.add("http: replayed equal " + created.equals(again) + ", runs " + runs.get());
        try {
            idempotency.wrap((Map<String, Object> event, com.amazonaws.services.lambda.runtime.Context context)
                    -> Instant.EPOCH, Instant.class);
            seen.add("Instant accepted");
        } catch (IllegalArgumentException refused) {
            seen.add("Instant refused: " + refused.getMessage());
        }
        return seen;
    }
}
