package dev.lambdaidempotency.http;

import static dev.lambdaidempotency.http.HttpEvents.BODY;
import static dev.lambdaidempotency.http.HttpEvents.alb;
import static dev.lambdaidempotency.http.HttpEvents.assertProblem;
import static dev.lambdaidempotency.http.HttpEvents.base64;
import static dev.lambdaidempotency.http.HttpEvents.httpApi;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerRequestEvent;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerResponseEvent;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.testkit.MutableClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The same flow through the other event shapes: HTTP API payload 2.0 (and Function URLs), and ALB. */
class HttpApiAndAlbIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    private static DynamoDbClient dynamoDb;

    private final AtomicInteger runs = new AtomicInteger();
    private IdempotentHttp http;

    @BeforeAll
    static void connect() {
        dynamoDb = aws.dynamoDbClient();
    }

    @BeforeEach
    void newTable() {
        http = IdempotentHttp.builder(Idempotency.builder().store(aws.newStore(dynamoDb))
                .config(IdempotencyConfig.builder(Map.of()).functionName("shapes-fn").clock(MutableClock.start())
                        .build())
                .build()).build();
    }

    // --------------------------------------------------------------------------------- HTTP API / Function URLs

    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> httpApiHandler(int status) {
        return http.httpApi((request, context) -> {
            APIGatewayV2HTTPResponse response = new APIGatewayV2HTTPResponse();
            response.setStatusCode(status);
            response.setHeaders(Map.of("content-type", "application/json"));
            response.setCookies(List.of("session=1; Secure"));
            response.setBody("{\"run\":" + runs.incrementAndGet() + "}");
            return response;
        });
    }

    @Test
    void httpApiReplaysStatusHeadersCookiesAndBody() {
        var handler = httpApiHandler(201);
        APIGatewayV2HTTPResponse first = handler.handleRequest(httpApi("k-1", BODY), null);
        APIGatewayV2HTTPResponse replay = handler.handleRequest(httpApi("k-1", BODY), null);
        assertEquals(201, first.getStatusCode());
        assertNull(first.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertEquals(201, replay.getStatusCode());
        assertEquals("true", replay.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertEquals(List.of("session=1; Secure"), replay.getCookies());
        assertEquals("{\"run\":1}", replay.getBody());
        assertEquals(1, runs.get());
    }

    @Test
    void httpApiBase64BodyAndEveryProblem() {
        var handler = httpApiHandler(201);
        APIGatewayV2HTTPEvent encoded = httpApi("k-2", base64(BODY));
        encoded.setIsBase64Encoded(true);
        handler.handleRequest(encoded, null);
        assertEquals("true", handler.handleRequest(httpApi("k-2", BODY), null).getHeaders()
                .get(IdempotentHttp.REPLAYED_HEADER));

        APIGatewayV2HTTPResponse missing = handler.handleRequest(httpApi(null, BODY), null);
        assertProblem(400, Problem.KEY_MISSING, missing.getStatusCode(), missing.getHeaders(), missing.getBody());
        // payload 2.0 joins repeated header lines with commas
        APIGatewayV2HTTPResponse joined = handler.handleRequest(httpApi("k-a,k-b", BODY), null);
        assertProblem(400, Problem.KEY_INVALID, joined.getStatusCode(), joined.getHeaders(), joined.getBody());
        APIGatewayV2HTTPResponse reused = handler.handleRequest(httpApi("k-2", "{\"amount\":1}"), null);
        assertProblem(422, Problem.KEY_REUSED, reused.getStatusCode(), reused.getHeaders(), reused.getBody());
        assertEquals(1, runs.get());
    }

    @Test
    void httpApi5xxReleasesTheKey() {
        handlerRunsTwice(httpApiHandler(500));
    }

    private void handlerRunsTwice(RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler) {
        assertEquals(500, handler.handleRequest(httpApi("k-3", BODY), null).getStatusCode());
        APIGatewayV2HTTPResponse again = handler.handleRequest(httpApi("k-3", BODY), null);
        assertEquals("{\"run\":2}", again.getBody());
        assertNull(again.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
    }

    @Test
    void httpApiInProgressIs409() {
        List<APIGatewayV2HTTPResponse> during = new ArrayList<>();
        List<RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> self = new ArrayList<>();
        self.add(http.httpApi((request, context) -> {
            during.add(self.get(0).handleRequest(httpApi("k-4", BODY), context));
            APIGatewayV2HTTPResponse response = new APIGatewayV2HTTPResponse();
            response.setStatusCode(200);
            return response;
        }));
        assertEquals(200, self.get(0).handleRequest(httpApi("k-4", BODY), null).getStatusCode());
        APIGatewayV2HTTPResponse conflict = during.get(0);
        assertProblem(409, Problem.REQUEST_IN_PROGRESS, conflict.getStatusCode(), conflict.getHeaders(),
                conflict.getBody());
        assertEquals("1", conflict.getHeaders().get("Retry-After"));
    }

    // ------------------------------------------------------------------------------------------------------ ALB

    private RequestHandler<ApplicationLoadBalancerRequestEvent, ApplicationLoadBalancerResponseEvent> albHandler(
            boolean multiValue) {
        return http.alb((request, context) -> {
            ApplicationLoadBalancerResponseEvent response = new ApplicationLoadBalancerResponseEvent();
            response.setStatusCode(201);
            response.setStatusDescription("201 Created");
            if (multiValue) {
                response.setMultiValueHeaders(Map.of("content-type", List.of("text/plain")));
            } else {
                response.setHeaders(Map.of("content-type", "text/plain"));
            }
            response.setBody("run " + runs.incrementAndGet());
            return response;
        });
    }

    @Test
    void albSingleValueHeaders() {
        var handler = albHandler(false);
        handler.handleRequest(alb("k-5", BODY, false), null);
        ApplicationLoadBalancerResponseEvent replay = handler.handleRequest(alb("k-5", BODY, false), null);
        assertEquals(201, replay.getStatusCode());
        assertEquals("201 Created", replay.getStatusDescription());
        assertEquals("run 1", replay.getBody());
        assertEquals("true", replay.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertNull(replay.getMultiValueHeaders());

        ApplicationLoadBalancerResponseEvent missing = handler.handleRequest(alb(null, BODY, false), null);
        assertProblem(400, Problem.KEY_MISSING, missing.getStatusCode(), missing.getHeaders(), missing.getBody());
        assertEquals("400 Bad Request", missing.getStatusDescription());
        assertEquals(1, runs.get());
    }

    @Test
    void albMultiValueHeadersInAndOut() {
        var handler = albHandler(true);
        handler.handleRequest(alb("k-6", BODY, true), null);
        ApplicationLoadBalancerResponseEvent replay = handler.handleRequest(alb("k-6", BODY, true), null);
        assertEquals(List.of("true"), replay.getMultiValueHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertEquals(List.of("text/plain"), replay.getMultiValueHeaders().get("content-type"));
        assertNull(replay.getHeaders(), "an ALB in multi-value mode reads only multiValueHeaders");

        // the adapter's own responses follow the request's mode
        ApplicationLoadBalancerResponseEvent reused = handler.handleRequest(alb("k-6", "{}", true), null);
        assertEquals(422, reused.getStatusCode());
        assertNull(reused.getHeaders());
        assertEquals(List.of(Problem.MEDIA_TYPE), reused.getMultiValueHeaders().get("Content-Type"));
        assertTrue(reused.getBody().contains(Problem.KEY_REUSED));
        assertEquals(1, runs.get());
    }

    @Test
    void albBase64Body() {
        var handler = albHandler(false);
        ApplicationLoadBalancerRequestEvent encoded = alb("k-7", base64(BODY), false);
        encoded.setIsBase64Encoded(true);
        handler.handleRequest(encoded, null);
        assertEquals("true", handler.handleRequest(alb("k-7", BODY, false), null).getHeaders()
                .get(IdempotentHttp.REPLAYED_HEADER));
        assertEquals(1, runs.get());
    }
}
