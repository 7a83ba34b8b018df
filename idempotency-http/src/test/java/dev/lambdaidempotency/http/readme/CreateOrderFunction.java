package dev.lambdaidempotency.http.readme;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.http.IdempotentHttp;
import dev.lambdaidempotency.http.Problem;
import java.util.Map;

// README.md, "HTTP APIs (Idempotency-Key)": the block below is the README's example, line for line
// (ReadmeHttpExampleIntegrationTest compares them).
// --- README begin
public class CreateOrderFunction implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    private final RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler;

    public CreateOrderFunction(Idempotency idempotency, Orders orders) {
        handler = IdempotentHttp.builder(idempotency)
            .onException(InvalidOrderException.class,
                e -> Problem.of("invalid-request", "Invalid order", 400, e.getMessage())).build()
            .restApi((request, context) -> new APIGatewayProxyResponseEvent().withStatusCode(201)
                .withHeaders(Map.of("Content-Type", "application/json")).withBody(orders.create(request.getBody())));
    }

    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent request, Context context) {
        return handler.handleRequest(request, context);
    }
}
// --- README end
