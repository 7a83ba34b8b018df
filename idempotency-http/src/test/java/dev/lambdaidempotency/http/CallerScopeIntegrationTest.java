package dev.lambdaidempotency.http;

import static dev.lambdaidempotency.http.HttpEvents.BODY;
import static dev.lambdaidempotency.http.HttpEvents.assertProblem;
import static dev.lambdaidempotency.http.HttpEvents.httpApi;
import static dev.lambdaidempotency.http.HttpEvents.rest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerRequestEvent;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerResponseEvent;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.testkit.MutableClock;
import dev.lambdaidempotency.testkit.TestLambdaContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code scopedBy(Caller)}: the same Idempotency-Key from two callers is two requests, for REST APIs, HTTP APIs and
 * Function URLs (the real event classes, with the request context API Gateway and Lambda fill in), on DynamoDB Local.
 */
class CallerScopeIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    private static final String ALICE = "6f1c1a7e-alice-sub";
    private static final String BOB = "0b2d9c44-bob-sub";

    private static DynamoDbClient dynamoDb;

    private final AtomicInteger runs = new AtomicInteger();
    private DynamoDbIdempotencyStore store;
    private Idempotency idempotency;

    @BeforeAll
    static void connect() {
        dynamoDb = aws.dynamoDbClient();
    }

    @BeforeEach
    void newTable() {
        store = aws.newStore(dynamoDb);
        idempotency = Idempotency.builder().store(store).config(IdempotencyConfig.builder(Map.of())
                .functionName("http-fn").clock(MutableClock.start()).build()).build();
    }

    /** A REST handler whose response names the run, so that whose response a client got is visible. */
    private RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> restHandler(IdempotentHttp http) {
        return http.restApi((request, context) -> new APIGatewayProxyResponseEvent().withStatusCode(201)
                .withHeaders(Map.of("Content-Type", "application/json"))
                .withBody("{\"order\":" + runs.incrementAndGet() + "}"));
    }

    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> httpApiHandler(IdempotentHttp http) {
        return http.httpApi((request, context) -> {
            APIGatewayV2HTTPResponse response = new APIGatewayV2HTTPResponse();
            response.setStatusCode(201);
            response.setHeaders(Map.of("content-type", "application/json"));
            response.setBody("{\"order\":" + runs.incrementAndGet() + "}");
            return response;
        });
    }

    private static <I, O> O call(RequestHandler<I, O> handler, I event) {
        return handler.handleRequest(event, TestLambdaContext.fixed(30_000));
    }

    /** A REST API request after a Cognito user pool authorizer: {@code requestContext.authorizer.claims}. */
    private static APIGatewayProxyRequestEvent cognito(String sub, String key, String body) {
        return withAuthorizer(rest(key, body), Map.of("claims", Map.of("sub", sub, "email", sub + "@example.com")));
    }

    private static APIGatewayProxyRequestEvent withAuthorizer(APIGatewayProxyRequestEvent event,
            Map<String, Object> authorizer) {
        APIGatewayProxyRequestEvent.ProxyRequestContext context = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        context.setAuthorizer(new HashMap<>(authorizer));
        context.setIdentity(new APIGatewayProxyRequestEvent.RequestIdentity());
        return event.withRequestContext(context);
    }

    private static APIGatewayProxyRequestEvent withIdentity(APIGatewayProxyRequestEvent event,
            APIGatewayProxyRequestEvent.RequestIdentity identity) {
        APIGatewayProxyRequestEvent.ProxyRequestContext context = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        context.setIdentity(identity);
        return event.withRequestContext(context);
    }

    /** An HTTP API request after a JWT authorizer: {@code requestContext.authorizer.jwt.claims}. */
    private static APIGatewayV2HTTPEvent jwt(String sub, String key) {
        APIGatewayV2HTTPEvent event = httpApi(key, BODY);
        APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT jwt = new APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT();
        jwt.setClaims(Map.of("sub", sub));
        jwt.setScopes(List.of("orders/write"));
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        authorizer.setJwt(jwt);
        event.getRequestContext().setAuthorizer(authorizer);
        return event;
    }

    /** A Function URL with {@code AWS_IAM} auth (payload 2.0): {@code requestContext.authorizer.iam}. */
    private static APIGatewayV2HTTPEvent functionUrl(String userArn, String key) {
        APIGatewayV2HTTPEvent event = httpApi(key, BODY);
        event.getRequestContext().setDomainName("abc123.lambda-url.eu-west-1.on.aws");
        APIGatewayV2HTTPEvent.RequestContext.IAM iam = new APIGatewayV2HTTPEvent.RequestContext.IAM();
        iam.setUserArn(userArn);
        iam.setCallerId("AIDA" + userArn.length());
        iam.setAccountId("123456789012");
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        authorizer.setIam(iam);
        event.getRequestContext().setAuthorizer(authorizer);
        return event;
    }

    private static void assertReplayOf(APIGatewayProxyResponseEvent original, APIGatewayProxyResponseEvent replay) {
        assertEquals(original.getBody(), replay.getBody());
        assertEquals("true", replay.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
    }

    private List<Map<String, AttributeValue>> items() {
        return dynamoDb.scan(b -> b.tableName(store.tableName())).items();
    }

    // ------------------------------------------------------------------------------------------------ REST APIs

    @Test
    void twoCallersWithTheSameKeyEachExecuteAndEachReplaysItsOwnResponse() {
        var handler = restHandler(IdempotentHttp.builder(idempotency).scopedBy(Caller.subject()).build());

        APIGatewayProxyResponseEvent alice = call(handler, cognito(ALICE, "1", BODY));
        APIGatewayProxyResponseEvent bob = call(handler, cognito(BOB, "1", BODY));
        APIGatewayProxyResponseEvent aliceAgain = call(handler, cognito(ALICE, "1", BODY));
        APIGatewayProxyResponseEvent bobAgain = call(handler, cognito(BOB, "1", BODY));

        assertEquals(2, runs.get());
        assertEquals(201, bob.getStatusCode());
        assertNull(bob.getHeaders().get(IdempotentHttp.REPLAYED_HEADER), "bob's first request is his own, not a replay");
        assertNotEquals(alice.getBody(), bob.getBody());
        assertReplayOf(alice, aliceAgain);
        assertReplayOf(bob, bobAgain);
        assertEquals(2, items().size());
    }

    @Test
    void twoCallersMaySendTheSameKeyWithDifferentBodies() {
        var handler = restHandler(IdempotentHttp.builder(idempotency).scopedBy(Caller.subject()).build());

        APIGatewayProxyResponseEvent alice = call(handler, cognito(ALICE, "1", BODY));
        APIGatewayProxyResponseEvent bob = call(handler, cognito(BOB, "1", "{\"amount\":1}"));

        assertEquals(201, alice.getStatusCode());
        assertEquals(201, bob.getStatusCode(), bob.getBody());
        assertEquals(2, runs.get());
    }

    /** The gap scopedBy closes, pinned: without it, a second client's request is answered with the first's response. */
    @Test
    void withoutScopingTheSecondCallerGetsTheFirstCallersResponse() {
        var handler = restHandler(IdempotentHttp.builder(idempotency).build());

        APIGatewayProxyResponseEvent alice = call(handler, cognito(ALICE, "1", BODY));
        APIGatewayProxyResponseEvent bob = call(handler, cognito(BOB, "1", BODY));

        assertEquals(1, runs.get());
        assertReplayOf(alice, bob);
        APIGatewayProxyResponseEvent bobsOwnBody = call(handler, cognito(BOB, "1", "{\"amount\":1}"));
        assertProblem(422, Problem.KEY_REUSED, bobsOwnBody.getStatusCode(), bobsOwnBody.getHeaders(),
                bobsOwnBody.getBody());
    }

    /**
     * Record ids without the option are what they were before it existed (the operation's scope and the SHA-256 of
     * the key as a JSON string): records written by earlier versions keep replaying.
     */
    @Test
    void recordIdsWithoutScopingAreUnchanged() {
        call(restHandler(IdempotentHttp.builder(idempotency).build()), cognito(ALICE, "order-1", BODY));

        // printf '"order-1"' | sha256sum
        assertEquals(List.of("http-fn#@http#4b08242598e89818f98b9cf7ec0d8ee9033be2c56e579847b0d60b6db516f746"),
                items().stream().map(item -> item.get("id").s()).toList());
    }

    @Test
    void scopedRecordIdsDifferFromUnscopedOnesAndHoldNoIdentity() {
        call(restHandler(IdempotentHttp.builder(idempotency).build()), cognito(ALICE, "order-1", BODY));
        call(restHandler(IdempotentHttp.builder(idempotency).scopedBy(Caller.subject()).build()),
                cognito(ALICE, "order-1", BODY));

        List<Map<String, AttributeValue>> items = items();
        assertEquals(2, items.size(), "the scoped request is a new record, not a replay of the unscoped one");
        assertEquals(2, runs.get());
        for (Map<String, AttributeValue> item : items) {
            assertTrue(item.get("id").s().startsWith("http-fn#@http#"), item.get("id").s());
            assertFalse(item.toString().contains(ALICE), "the caller is not stored: " + item);
        }
    }

    @Test
    void aRequestWithoutTheCallerIsRefusedAndNothingRuns() {
        var handler = restHandler(IdempotentHttp.builder(idempotency).scopedBy(Caller.subject()).build());

        APIGatewayProxyResponseEvent noContext = call(handler, rest("1", BODY));
        APIGatewayProxyResponseEvent otherAuthorizer = call(handler, withAuthorizer(rest("1", BODY),
                Map.of("principalId", ALICE)));
        APIGatewayProxyResponseEvent blank = call(handler, cognito(" ", "1", BODY));

        for (APIGatewayProxyResponseEvent response : List.of(noContext, otherAuthorizer, blank)) {
            assertProblem(500, Problem.CALLER_UNKNOWN, response.getStatusCode(), response.getHeaders(),
                    response.getBody());
        }
        assertEquals(0, runs.get());
        assertTrue(items().isEmpty(), "no claim was written");
    }

    @Test
    void theKeyIsCheckedBeforeTheCaller() {
        var handler = restHandler(IdempotentHttp.builder(idempotency).scopedBy(Caller.subject()).build());

        APIGatewayProxyResponseEvent response = call(handler, rest(null, BODY));

        assertProblem(400, Problem.KEY_MISSING, response.getStatusCode(), response.getHeaders(), response.getBody());
    }

    @Test
    void aCustomReaderThatThrowsIsAnUnknownCaller() {
        var handler = restHandler(IdempotentHttp.builder(idempotency).scopedBy(Caller.restApi(event -> {
            throw new IllegalStateException("no tenant for " + ALICE);
        })).build());

        List<String> log = new java.util.ArrayList<>();
        APIGatewayProxyResponseEvent response = handler.handleRequest(cognito(ALICE, "1", BODY),
                TestLambdaContext.fixed(30_000).withLogger(new com.amazonaws.services.lambda.runtime.LambdaLogger() {
                    @Override
                    public void log(String message) {
                        log.add(message);
                    }

                    @Override
                    public void log(byte[] message) {
                        log.add(new String(message, java.nio.charset.StandardCharsets.UTF_8));
                    }
                }));

        assertProblem(500, Problem.CALLER_UNKNOWN, response.getStatusCode(), response.getHeaders(), response.getBody());
        assertFalse(response.getBody().contains(ALICE));
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).contains("scopedBy(Caller[custom])") && log.get(0).contains("IllegalStateException"),
                log.get(0));
        assertFalse(log.get(0).contains(ALICE), "the identity is never logged: " + log.get(0));
        assertEquals(0, runs.get());
    }

    @Test
    void restLambdaAuthorizerPrincipalIdAndContext() {
        var byPrincipal = restHandler(IdempotentHttp.builder(idempotency).scopedBy(Caller.principalId()).build());
        var byContext = restHandler(IdempotentHttp.builder(idempotency).operationName("http-ctx")
                .scopedBy(Caller.authorizerContext("tenantUser")).build());

        assertTwoCallersSeparate(byPrincipal, sub -> withAuthorizer(rest("1", BODY), Map.of("principalId", sub)));
        runs.set(0);
        // Lambda authorizer context values may be numbers
        assertTwoCallersSeparate(byContext, sub -> withAuthorizer(rest("1", BODY),
                Map.of("principalId", "same", "tenantUser", sub.length() == ALICE.length() ? 17 : 42)));
    }

    @Test
    void restIamCallerAndApiKey() {
        var byIam = restHandler(IdempotentHttp.builder(idempotency).scopedBy(Caller.iam()).build());
        var byApiKey = restHandler(IdempotentHttp.builder(idempotency).operationName("http-key")
                .scopedBy(Caller.apiKey()).build());

        assertTwoCallersSeparate(byIam, sub -> {
            APIGatewayProxyRequestEvent.RequestIdentity identity = new APIGatewayProxyRequestEvent.RequestIdentity();
            identity.setUserArn("arn:aws:iam::123456789012:user/" + sub);
            identity.setCaller("AIDA" + sub);
            return withIdentity(rest("1", BODY), identity);
        });
        runs.set(0);
        assertTwoCallersSeparate(byApiKey, sub -> {
            APIGatewayProxyRequestEvent.RequestIdentity identity = new APIGatewayProxyRequestEvent.RequestIdentity();
            identity.setApiKey("key-of-" + sub);
            return withIdentity(rest("1", BODY), identity);
        });
        // the principal id when the event has no ARN
        APIGatewayProxyRequestEvent.RequestIdentity callerOnly = new APIGatewayProxyRequestEvent.RequestIdentity();
        callerOnly.setCaller("AIDA" + ALICE);
        assertEquals(201, call(byIam, withIdentity(rest("2", BODY), callerOnly)).getStatusCode());
    }

    private void assertTwoCallersSeparate(RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>
            handler, java.util.function.Function<String, APIGatewayProxyRequestEvent> request) {
        APIGatewayProxyResponseEvent alice = call(handler, request.apply(ALICE));
        APIGatewayProxyResponseEvent bob = call(handler, request.apply(BOB));
        assertReplayOf(alice, call(handler, request.apply(ALICE)));
        assertReplayOf(bob, call(handler, request.apply(BOB)));
        assertNotEquals(alice.getBody(), bob.getBody());
        assertEquals(2, runs.get());
    }

    // ------------------------------------------------------------------------------ HTTP APIs and Function URLs

    @Test
    void httpApiJwtAuthorizerSubject() {
        var handler = httpApiHandler(IdempotentHttp.builder(idempotency).scopedBy(Caller.subject()).build());

        APIGatewayV2HTTPResponse alice = call(handler, jwt(ALICE, "1"));
        APIGatewayV2HTTPResponse bob = call(handler, jwt(BOB, "1"));
        APIGatewayV2HTTPResponse aliceAgain = call(handler, jwt(ALICE, "1"));
        APIGatewayV2HTTPResponse noAuthorizer = call(handler, httpApi("1", BODY));

        assertEquals(2, runs.get());
        assertNotEquals(alice.getBody(), bob.getBody());
        assertNull(bob.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertEquals(alice.getBody(), aliceAgain.getBody());
        assertEquals("true", aliceAgain.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertProblem(500, Problem.CALLER_UNKNOWN, noAuthorizer.getStatusCode(), noAuthorizer.getHeaders(),
                noAuthorizer.getBody());
    }

    @Test
    void httpApiLambdaAuthorizerContext() {
        var handler = httpApiHandler(IdempotentHttp.builder(idempotency).scopedBy(Caller.authorizerContext("userId"))
                .build());
        java.util.function.Function<String, APIGatewayV2HTTPEvent> request = sub -> {
            APIGatewayV2HTTPEvent event = httpApi("1", BODY);
            APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer =
                    new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
            authorizer.setLambda(Map.of("userId", sub));
            event.getRequestContext().setAuthorizer(authorizer);
            return event;
        };

        APIGatewayV2HTTPResponse alice = call(handler, request.apply(ALICE));
        APIGatewayV2HTTPResponse bob = call(handler, request.apply(BOB));

        assertEquals(2, runs.get());
        assertNotEquals(alice.getBody(), bob.getBody());
        assertEquals(bob.getBody(), call(handler, request.apply(BOB)).getBody());
        assertEquals(2, runs.get());
    }

    @Test
    void functionUrlWithIamAuth() {
        var handler = httpApiHandler(IdempotentHttp.builder(idempotency).scopedBy(Caller.iam()).build());
        String aliceArn = "arn:aws:iam::123456789012:user/alice";
        String bobArn = "arn:aws:sts::123456789012:assumed-role/Orders/bob";

        APIGatewayV2HTTPResponse alice = call(handler, functionUrl(aliceArn, "1"));
        APIGatewayV2HTTPResponse bob = call(handler, functionUrl(bobArn, "1"));
        APIGatewayV2HTTPResponse bobAgain = call(handler, functionUrl(bobArn, "1"));
        APIGatewayV2HTTPResponse anonymous = call(handler, httpApi("1", BODY));   // a Function URL with auth NONE

        assertEquals(2, runs.get());
        assertNotEquals(alice.getBody(), bob.getBody());
        assertEquals(bob.getBody(), bobAgain.getBody());
        assertEquals("true", bobAgain.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertProblem(500, Problem.CALLER_UNKNOWN, anonymous.getStatusCode(), anonymous.getHeaders(),
                anonymous.getBody());
        assertEquals(2, items().size());
    }

    // -------------------------------------------------------------------------------------- asynchronous mode

    /**
     * The worker reads the caller again from the handed-over request (the self-invoke payload, read back as the
     * runtime reads it), so it runs under the same scoped key the 202 claimed.
     */
    @Test
    void theAsynchronousModeScopesTheClaimAndTheHandedOverWork() throws Exception {
        List<AsyncHandOver> handOvers = new java.util.ArrayList<>();
        IdempotentHttp http = IdempotentHttp.builder(idempotency).scopedBy(Caller.subject())
                .async(AsyncMode.builder((handOver, context) -> handOvers.add(handOver)).build()).build();
        var rest = restHandler(http);
        var v2 = httpApiHandler(http);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper()
                .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

        assertEquals(202, call(rest, cognito(ALICE, "1", BODY)).getStatusCode());
        assertEquals(202, call(rest, cognito(BOB, "1", BODY)).getStatusCode(), "bob's key is his own");
        // another key: both shapes share the operation, so alice's "1" on the HTTP API is her REST request's key
        assertEquals(202, call(v2, jwt(ALICE, "2")).getStatusCode());
        assertEquals(3, handOvers.size());
        call(rest, json.readValue(handOvers.get(0).invocationPayload(), APIGatewayProxyRequestEvent.class));
        call(rest, json.readValue(handOvers.get(1).invocationPayload(), APIGatewayProxyRequestEvent.class));
        call(v2, json.readValue(handOvers.get(2).invocationPayload(), APIGatewayV2HTTPEvent.class));

        assertEquals(3, runs.get());
        APIGatewayProxyResponseEvent alice = call(rest, cognito(ALICE, "1", BODY));
        APIGatewayProxyResponseEvent bob = call(rest, cognito(BOB, "1", BODY));
        assertEquals("true", alice.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertEquals("true", bob.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertNotEquals(alice.getBody(), bob.getBody());
        assertEquals("true", call(v2, jwt(ALICE, "2")).getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertEquals(3, runs.get());
    }

    // --------------------------------------------------------------------------------- configuration mistakes

    @Test
    void aCallerThatTheEventsDoNotCarryFailsWhenTheHandlerIsWrapped() {
        IdempotentHttp byPrincipal = IdempotentHttp.builder(idempotency).scopedBy(Caller.principalId()).build();
        IdempotentHttp byApiKey = IdempotentHttp.builder(idempotency).scopedBy(Caller.apiKey()).build();
        IdempotentHttp bySubject = IdempotentHttp.builder(idempotency).scopedBy(Caller.subject()).build();

        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> v2 = (request, context) -> null;
        RequestHandler<ApplicationLoadBalancerRequestEvent, ApplicationLoadBalancerResponseEvent> alb =
                (request, context) -> null;
        assertThrows(IllegalStateException.class, () -> byPrincipal.httpApi(v2));
        assertThrows(IllegalStateException.class, () -> byApiKey.httpApi(v2));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> bySubject.alb(alb));
        assertTrue(e.getMessage().contains("Caller[claim sub]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Caller.claim(" "));
        assertTrue(bySubject.toString().contains("scoped by Caller[claim sub]"), bySubject.toString());
    }

    @Test
    void albWithACustomReader() {
        AtomicInteger albRuns = new AtomicInteger();
        var handler = IdempotentHttp.builder(idempotency)
                .scopedBy(Caller.alb(event -> event.getHeaders().get("x-amzn-oidc-identity"))).build()
                .alb((request, context) -> {
                    ApplicationLoadBalancerResponseEvent response = new ApplicationLoadBalancerResponseEvent();
                    response.setStatusCode(201);
                    response.setBody("{\"order\":" + albRuns.incrementAndGet() + "}");
                    return response;
                });
        java.util.function.Function<String, ApplicationLoadBalancerRequestEvent> request = sub -> {
            ApplicationLoadBalancerRequestEvent event = HttpEvents.alb("1", BODY, false);
            event.getHeaders().put("x-amzn-oidc-identity", sub);
            return event;
        };

        ApplicationLoadBalancerResponseEvent alice = call(handler, request.apply(ALICE));
        ApplicationLoadBalancerResponseEvent bob = call(handler, request.apply(BOB));

        assertEquals(2, albRuns.get());
        assertNotEquals(alice.getBody(), bob.getBody());
        assertEquals(500, call(handler, HttpEvents.alb("1", BODY, false)).getStatusCode());
    }
}
