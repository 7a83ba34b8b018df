package dev.lambdaidempotency.examples.payment;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.examples.wiring.FunctionWiring;
import dev.lambdaidempotency.http.IdempotentHttp;
import dev.lambdaidempotency.http.Problem;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * {@code POST /payments}: creates a payment at most once per {@code Idempotency-Key}, with the library's HTTP adapter
 * ({@link IdempotentHttp}): {@code 201} with the payment, replayed to repeats with {@code Idempotent-Replayed: true};
 * no key {@code 400}, key reused with another body {@code 422}, first request still running {@code 409} with
 * {@code Retry-After: 1}, store unavailable {@code 503}, all as RFC 9457 problems. A body that is not a valid
 * payment request is a {@code 400} that releases the key, so a corrected retry with the same key is accepted.
 */
public final class PaymentApiFunction
        implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    /** The request header carrying the idempotency key. */
    public static final String KEY_HEADER = IdempotentHttp.DEFAULT_KEY_HEADER;
    /** The response header marking a replayed response. */
    public static final String REPLAYED_HEADER = IdempotentHttp.REPLAYED_HEADER;
    /** The record scope outside Lambda (inside, the function's name). */
    public static final String LOCAL_FUNCTION_NAME = "payment-api";
    /** Seconds a client should wait before retrying a request that is still in progress. */
    static final int RETRY_AFTER_SECONDS = 1;

    /** Kept for as long as the function lives: it holds the SnapStart priming hook, which CRaC holds weakly. */
    private final Idempotency idempotency;
    private final RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler;

    /** Used by the Lambda runtime: wiring from the environment, simulated payment provider. */
    public PaymentApiFunction() {
        this(FunctionWiring.environment(), new SimulatedPaymentProcessor(Clock.systemUTC(),
                FunctionWiring.environment().settings().providerLatency()));
    }

    /**
     * @param wiring    the AWS wiring
     * @param processor creates payments
     */
    public PaymentApiFunction(FunctionWiring wiring, PaymentProcessor processor) {
        ObjectMapper json = FunctionWiring.json();
        idempotency = wiring.idempotency(LOCAL_FUNCTION_NAME, config -> { });
        handler = IdempotentHttp.builder(idempotency)
                .inProgressRetryAfter(Duration.ofSeconds(RETRY_AFTER_SECONDS))
                .onException(InvalidPaymentRequestException.class,
                        e -> Problem.of("invalid-request", "Invalid payment request", 400, e.getMessage()))
                .build()
                .restApi((request, context) -> {
                    Payment payment = processor.charge(PaymentRequest.fromEvent(request, json));
                    System.out.println("created payment " + payment.id());
                    return new APIGatewayProxyResponseEvent().withStatusCode(201)
                            .withHeaders(Map.of("Content-Type", "application/json",
                                    "Location", "/payments/" + payment.id()))
                            .withBody(json.valueToTree(payment).toString());
                });
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return handler.handleRequest(event, context);
    }
}
