package dev.lambdaidempotency.examples.report;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdaidempotency.examples.wiring.FunctionWiring;
import dev.lambdaidempotency.examples.wiring.RequestBodies;
import dev.lambdaidempotency.http.AsyncDispatcher;
import dev.lambdaidempotency.http.AsyncMode;
import dev.lambdaidempotency.http.IdempotentHttp;
import dev.lambdaidempotency.http.Problem;
import dev.lambdaidempotency.http.lambda.LambdaSelfInvokeDispatcher;
import dev.lambdaidempotency.s3.S3ResultStore;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * {@code POST /reports}: the statement of {@link ReportFunction} over HTTP, in the HTTP adapter's asynchronous mode
 * ({@link AsyncMode}), because a large statement takes longer than an API may wait and is larger than Lambda may
 * return. The first request with an {@code Idempotency-Key} answers {@code 202 Accepted} and the function invokes
 * itself asynchronously to generate the statement; repeats answer {@code 202} until it is recorded, then replay it.
 * This function's statements (about 7 MB of JSON) are over Lambda's 6 MB response limit, so the replay is a short-lived
 * presigned link to the recorded response in S3 ({@link AsyncMode#RESULT_LINK_MEDIA_TYPE}).
 *
 * <p>A body that is not a valid report request is refused with {@code 400} before the key is claimed: after a
 * {@code 202}, a failure can no longer reach the client.
 */
public final class ReportApiFunction
        implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    /** The record scope outside Lambda (inside, the function's name). */
    public static final String LOCAL_FUNCTION_NAME = "report-api";
    /** Transactions per statement: about 7 MB of JSON, over Lambda's 6 MB response limit. */
    public static final int TRANSACTIONS = 60_000;

    private final ObjectMapper json = FunctionWiring.json();
    private final RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler;

    /**
     * Used by the Lambda runtime: wiring from the environment, the function invokes itself, S3 links signed by a
     * presigner configured like the result store's client (path style for S3-compatible servers).
     */
    public ReportApiFunction() {
        this(FunctionWiring.environment(), new ReportGenerator(Clock.systemUTC(), TRANSACTIONS)::generate,
                LambdaSelfInvokeDispatcher.create(LambdaClient.builder()
                        .httpClientBuilder(UrlConnectionHttpClient.builder()).build()),
                S3ResultStore.defaultPresigner());
    }

    /**
     * @param wiring     the AWS wiring (its result store keeps the statements)
     * @param generate   builds the statement for a request (tests capture it)
     * @param dispatcher hands accepted requests over (tests run them when they choose)
     * @param presigner  signs the links of statements over the response limit
     */
    public ReportApiFunction(FunctionWiring wiring, Function<ReportRequest, Report> generate,
            AsyncDispatcher dispatcher, S3Presigner presigner) {
        Objects.requireNonNull(generate, "generate");
        handler = IdempotentHttp.builder(wiring.idempotencyWithOffload(LOCAL_FUNCTION_NAME, config -> { }))
                .async(AsyncMode.builder(dispatcher).presigner(presigner).build())
                .build()
                .restApi((request, context) -> new APIGatewayProxyResponseEvent().withStatusCode(200)
                        .withHeaders(Map.of("Content-Type", "application/json"))
                        .withBody(json.valueToTree(generate.apply(read(request))).toString()));
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        try {
            read(event);
        } catch (IllegalArgumentException invalid) {
            return new APIGatewayProxyResponseEvent().withStatusCode(400)
                    .withHeaders(Map.of("Content-Type", Problem.MEDIA_TYPE))
                    .withBody(json.valueToTree(Problem.of("invalid-request", "Invalid report request", 400,
                            invalid.getMessage())).toString());
        }
        return handler.handleRequest(event, context);
    }

    private ReportRequest read(APIGatewayProxyRequestEvent event) {
        if (event == null || event.getBody() == null) {
            throw new IllegalArgumentException("the body must be a report request");
        }
        String body = RequestBodies.text(event);   // API Gateway with binary media types, SAM events: base64
        try {
            return json.readValue(body, ReportRequest.class).validated();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not a report request: " + e.getOriginalMessage());
        }
    }
}
