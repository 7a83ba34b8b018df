package dev.lambdaidempotency.examples.payment;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdaidempotency.IdempotencyException;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.IdempotencyKeyException;
import dev.lambdaidempotency.IdempotencyPayloadMismatchException;
import dev.lambdaidempotency.examples.wiring.FunctionWiring;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code POST /payments}: creates a payment at most once per {@code Idempotency-Key}, following the IETF draft
 * "The Idempotency-Key HTTP Header Field":
 *
 * <ul>
 *   <li>first request: the payment is created, {@code 201} with the payment as body;</li>
 *   <li>repeat with the same key and body: the stored payment is replayed with the original status and body plus
 *       {@code Idempotent-Replayed: true};</li>
 *   <li>no key: {@code 400}; key reused with a different body: {@code 422}; key of a request still being processed:
 *       {@code 409} with {@code Retry-After};</li>
 *   <li>a body that is not a valid payment request: {@code 400}, without claiming the key, so a corrected retry
 *       with the same key is accepted.</li>
 * </ul>
 *
 * <p>Errors are RFC 9457 {@code application/problem+json} bodies, never stack traces.
 *
 * <p>The idempotent result is the {@link Payment}, not the HTTP response: the library wraps an inner handler that
 * creates the payment, and this class turns the payment (live or replayed) into the response. A replay is
 * recognised by an {@link ExecutionTrackingContext} that the inner handler marks when it runs.
 */
public final class PaymentApiFunction
        implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    /** The request header carrying the idempotency key. */
    public static final String KEY_HEADER = "Idempotency-Key";
    /** The response header marking a replayed response. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    /** The record scope outside Lambda (inside, the function's name). */
    public static final String LOCAL_FUNCTION_NAME = "payment-api";
    /** Seconds a client should wait before retrying a request that is still in progress. */
    static final int RETRY_AFTER_SECONDS = 1;

    private final RequestHandler<APIGatewayProxyRequestEvent, Payment> createPayment;
    private final ObjectMapper json = FunctionWiring.json();

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
        Objects.requireNonNull(processor, "processor");
        this.createPayment = wiring.idempotency(LOCAL_FUNCTION_NAME, config -> config
                        .keyHeader(KEY_HEADER)
                        .payloadPath("body"))
                .wrap(new CreatePayment(processor, json), Payment.class);
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        ExecutionTrackingContext tracking = new ExecutionTrackingContext(context);
        try {
            PaymentRequest.fromEvent(event, json); // reject before claiming the key
            Payment payment = createPayment.handleRequest(event, tracking);
            boolean replayed = !tracking.executed();
            tracking.getLogger().log((replayed ? "replayed payment " : "created payment ") + payment.id());
            return created(payment, replayed);
        } catch (InvalidPaymentRequestException e) {
            return Problem.of("invalid-request", "Invalid payment request", 400, e.getMessage())
                    .toResponse(json, Map.of());
        } catch (IdempotencyKeyException e) {
            return keyProblem(e).toResponse(json, Map.of());
        } catch (IdempotencyPayloadMismatchException e) {
            return Problem.of("idempotency-key-reused", "Idempotency-Key reused with a different request", 422,
                    "this Idempotency-Key was already used for a request with a different body; use a new key for "
                            + "a new payment").toResponse(json, Map.of());
        } catch (IdempotencyInProgressException e) {
            return Problem.of("request-in-progress", "A request with this Idempotency-Key is being processed", 409,
                    "the first request with this Idempotency-Key has not finished yet; retry after "
                            + RETRY_AFTER_SECONDS + " s to get its response")
                    .toResponse(json, Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)));
        } catch (IdempotencyException e) {
            tracking.getLogger().log("idempotency layer failed (" + e.getClass().getSimpleName() + "): "
                    + e.getMessage());
            if (e.isRetryable()) {
                return Problem.of("temporarily-unavailable", "Temporarily unavailable", 503,
                        "the payment could not be processed right now; retry with the same Idempotency-Key")
                        .toResponse(json, Map.of("Retry-After", "2"));
            }
            return internalError();
        } catch (RuntimeException e) {
            tracking.getLogger().log("payment failed: " + e);
            return internalError();
        }
    }

    private static Problem keyProblem(IdempotencyKeyException e) {
        return switch (e.reason()) {
            case MISSING -> Problem.of("idempotency-key-missing", "Idempotency-Key header missing", 400,
                    "POST /payments requires an Idempotency-Key header (a unique value per payment, e.g. a UUID)");
            case TOO_LARGE -> Problem.of("idempotency-key-too-large", "Idempotency-Key too large", 400,
                    "the Idempotency-Key header is too long");
            case UNREADABLE_EVENT -> Problem.of("invalid-request", "Invalid payment request", 400,
                    "the request could not be read");
        };
    }

    private APIGatewayProxyResponseEvent internalError() {
        return Problem.of("internal-error", "Internal error", 500,
                "the payment could not be processed; retry with the same Idempotency-Key")
                .toResponse(json, Map.of());
    }

    private APIGatewayProxyResponseEvent created(Payment payment, boolean replayed) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Location", "/payments/" + payment.id());
        if (replayed) {
            headers.put(REPLAYED_HEADER, "true");
        }
        try {
            return new APIGatewayProxyResponseEvent().withStatusCode(201).withHeaders(headers)
                    .withBody(json.writeValueAsString(payment));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a payment always serializes", e);
        }
    }

    /** The idempotent part: parse the (already validated) body and charge. */
    private static final class CreatePayment implements RequestHandler<APIGatewayProxyRequestEvent, Payment> {
        private final PaymentProcessor processor;
        private final ObjectMapper json;

        CreatePayment(PaymentProcessor processor, ObjectMapper json) {
            this.processor = processor;
            this.json = json;
        }

        @Override
        public Payment handleRequest(APIGatewayProxyRequestEvent event, Context context) {
            ExecutionTrackingContext.markExecuted(context);
            return processor.charge(PaymentRequest.fromEvent(event, json));
        }
    }
}
