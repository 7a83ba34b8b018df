package dev.lambdaidempotency.http;

import static dev.lambdaidempotency.http.HttpEvents.BODY;
import static dev.lambdaidempotency.http.HttpEvents.assertProblem;
import static dev.lambdaidempotency.http.HttpEvents.rest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerRequestEvent;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerResponseEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.s3.S3ResultStore;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.testkit.MutableClock;
import dev.lambdaidempotency.testkit.TestLambdaContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The asynchronous mode end to end on DynamoDB Local and S3Proxy: 202, 202, replay; hand-overs fenced by their claim;
 * leases that lapse; responses over the threshold replayed as presigned links that download the recorded bytes.
 * The work runs when a test says so (a dispatcher that collects hand-overs); the clock is a {@link MutableClock}.
 */
class AsyncModeIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static DynamoDbClient dynamoDb;
    private static S3Client s3;
    private static S3Presigner presigner;

    private final MutableClock clock = MutableClock.start();
    private final AtomicInteger runs = new AtomicInteger();
    private final List<AsyncHandOver> handOvers = new ArrayList<>();
    private final AtomicReference<APIGatewayProxyRequestEvent> seen = new AtomicReference<>();
    private DynamoDbIdempotencyStore store;
    private String bucket;
    private AsyncDispatcher dispatcher = (handOver, context) -> handOvers.add(handOver);
    /** What the handler answers; by default 201 with the run number. */
    private RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> behaviour =
            (request, context) -> new APIGatewayProxyResponseEvent().withStatusCode(201)
                    .withHeaders(Map.of("Content-Type", "application/json"))
                    .withBody("{\"report\":" + runs.get() + "}");

    @BeforeAll
    static void connect() {
        dynamoDb = aws.dynamoDbClient();
        s3 = aws.s3Client();
        presigner = aws.s3().s3Presigner();
    }

    @AfterAll
    static void close() {
        presigner.close();
    }

    @BeforeEach
    void newTableAndBucket() {
        store = aws.newStore(dynamoDb);
        bucket = aws.newBucket(s3);
    }

    /** Results over 1 KiB are offloaded; replays over {@code threshold} bytes are linked. */
    private RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler(int threshold,
            boolean withPresigner) {
        Idempotency idempotency = Idempotency.builder().store(store)
                .resultStore(S3ResultStore.builder(Map.of()).client(s3).bucket(bucket).build())
                .config(IdempotencyConfig.builder(Map.of()).functionName("reports").clock(clock)
                        .offloadThresholdBytes(1024).build())
                .build();
        AsyncMode.Builder mode = AsyncMode.builder((handOver, context) -> dispatcher.dispatch(handOver, context))
                .lease(Duration.ofMinutes(15)).largeResponseThresholdBytes(threshold);
        if (withPresigner) {
            mode.presigner(presigner);
        }
        return IdempotentHttp.builder(idempotency).async(mode.build()).build().restApi((request, context) -> {
            runs.incrementAndGet();
            seen.set(request);
            return behaviour.handleRequest(request, context);
        });
    }

    private RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler() {
        return handler(AsyncMode.DEFAULT_LARGE_RESPONSE_THRESHOLD_BYTES, true);
    }

    private static APIGatewayProxyResponseEvent call(
            RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler,
            APIGatewayProxyRequestEvent request) {
        return handler.handleRequest(request, TestLambdaContext.fixed(30_000));
    }

    private static void assertAccepted(String status, APIGatewayProxyResponseEvent response) throws IOException {
        assertEquals(202, response.getStatusCode());
        assertEquals("/orders", response.getHeaders().get("Location"));
        assertEquals("1", response.getHeaders().get("Retry-After"));
        assertEquals(status, JSON.readTree(response.getBody()).get("status").asText());
        assertNull(response.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
    }

    // ------------------------------------------------------------------------------------------ 202, 202, replay

    @Test
    void theFirstRequestIsAcceptedRepeatsAreInProgressUntilTheWorkRanThenTheResponseIsReplayed() throws Exception {
        var handler = handler();

        assertAccepted("accepted", call(handler, rest("k-1", BODY)));
        assertAccepted("in-progress", call(handler, rest("k-1", BODY)));
        assertEquals(0, runs.get());
        assertEquals(1, handOvers.size(), "only the request that claimed the key hands work over");

        handOvers.get(0).run(TestLambdaContext.fixed(60_000));
        assertEquals(1, runs.get());
        APIGatewayProxyResponseEvent replay = call(handler, rest("k-1", BODY));

        assertEquals(201, replay.getStatusCode());
        assertEquals("{\"report\":1}", replay.getBody());
        assertEquals("true", replay.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertEquals(1, runs.get());
        assertEquals(1, handOvers.size());
    }

    @Test
    void aKeyReusedForAnotherRequestIsRefusedWhileInProgressAndAfterwards() {
        var handler = handler();
        call(handler, rest("k-1", BODY));

        APIGatewayProxyResponseEvent whileRunning = call(handler, rest("k-1", "{\"amount\":1}"));
        handOvers.get(0).run(null);
        APIGatewayProxyResponseEvent afterwards = call(handler, rest("k-1", "{\"amount\":1}"));

        assertProblem(422, Problem.KEY_REUSED, whileRunning.getStatusCode(), whileRunning.getHeaders(),
                whileRunning.getBody());
        assertProblem(422, Problem.KEY_REUSED, afterwards.getStatusCode(), afterwards.getHeaders(),
                afterwards.getBody());
        assertEquals(1, handOvers.size());
    }

    @Test
    void theInProcessDispatcherRunsTheWorkWhereTheExecutorSays() throws Exception {
        List<Runnable> queued = new ArrayList<>();
        dispatcher = AsyncDispatcher.inProcess(queued::add);
        var handler = handler();

        assertAccepted("accepted", call(handler, rest("k-1", BODY)));
        queued.forEach(Runnable::run);

        assertEquals(201, call(handler, rest("k-1", BODY)).getStatusCode());
        assertEquals(1, runs.get());
    }

    // ------------------------------------------------------------------------------------------ the hand-over

    @Test
    void theInvocationPayloadIsTheRequestMarkedWithItsClaimAndTheHandlerNeverSeesTheMarker() throws Exception {
        var handler = handler();
        call(handler, rest("k-1", BODY));
        byte[] payload = handOvers.get(0).invocationPayload();
        // as the Lambda runtime reads the self-invoke's payload into the function's event type
        APIGatewayProxyRequestEvent delivered = JSON.readValue(payload, APIGatewayProxyRequestEvent.class);
        assertTrue(delivered.getHeaders().containsKey(AsyncMode.CLAIM_HEADER));

        APIGatewayProxyResponseEvent workerAnswer = call(handler, delivered);

        assertEquals(200, workerAnswer.getStatusCode());
        assertEquals(1, runs.get());
        assertFalse(seen.get().getHeaders().containsKey(AsyncMode.CLAIM_HEADER));
        assertFalse(seen.get().getMultiValueHeaders().containsKey(AsyncMode.CLAIM_HEADER));
        assertEquals(BODY, seen.get().getBody());
        assertEquals(201, call(handler, rest("k-1", BODY)).getStatusCode());
    }

    @Test
    void httpApiAndAlbRequestsAreHandedOverTheSameWay() throws Exception {
        Idempotency idempotency = Idempotency.builder().store(store)
                .config(IdempotencyConfig.builder(Map.of()).functionName("reports").clock(clock).build()).build();
        IdempotentHttp adapter = IdempotentHttp.builder(idempotency)
                .async(AsyncMode.builder((handOver, context) -> handOvers.add(handOver)).build()).build();
        List<Map<String, ?>> seenHeaders = new ArrayList<>();
        var httpApi = adapter.httpApi((request, context) -> {
            seenHeaders.add(request.getHeaders());
            APIGatewayV2HTTPResponse response = new APIGatewayV2HTTPResponse();
            response.setStatusCode(201);
            response.setBody("v2");
            return response;
        });
        var alb = adapter.alb((request, context) -> {
            seenHeaders.add(request.getMultiValueHeaders());
            ApplicationLoadBalancerResponseEvent response = new ApplicationLoadBalancerResponseEvent();
            response.setStatusCode(201);
            response.setBody("alb");
            return response;
        });

        assertEquals(202, httpApi.handleRequest(HttpEvents.httpApi("v2-1", BODY), null).getStatusCode());
        assertEquals(202, alb.handleRequest(HttpEvents.alb("alb-1", BODY, true), null).getStatusCode());
        httpApi.handleRequest(JSON.readValue(handOvers.get(0).invocationPayload(), APIGatewayV2HTTPEvent.class),
                null);
        ApplicationLoadBalancerRequestEvent delivered = JSON.readValue(handOvers.get(1).invocationPayload(),
                ApplicationLoadBalancerRequestEvent.class);
        assertNull(delivered.getHeaders(), "multi-value mode: the marker only where the target group reads");
        alb.handleRequest(delivered, null);

        assertEquals(2, seenHeaders.size());
        seenHeaders.forEach(headers -> assertFalse(headers.keySet().stream()
                .anyMatch(AsyncMode.CLAIM_HEADER::equalsIgnoreCase), headers.toString()));
        APIGatewayV2HTTPResponse v2 = httpApi.handleRequest(HttpEvents.httpApi("v2-1", BODY), null);
        ApplicationLoadBalancerResponseEvent albReplay = alb.handleRequest(HttpEvents.alb("alb-1", BODY, true),
                null);
        assertEquals("v2", v2.getBody());
        assertEquals("true", v2.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        assertEquals("alb", albReplay.getBody());
        assertEquals(List.of("true"), albReplay.getMultiValueHeaders().get(IdempotentHttp.REPLAYED_HEADER));
    }

    @Test
    void settingsFailFastNamingTheBadArgument() {
        AsyncMode.Builder mode = AsyncMode.builder((handOver, context) -> { });
        assertEquals("lease must be positive, was PT0S", org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> mode.lease(Duration.ZERO)).getMessage());
        assertEquals("presignedUrlTtl must be positive, was PT-1S", org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> mode.presignedUrlTtl(Duration.ofSeconds(-1))).getMessage());
        assertEquals("largeResponseThresholdBytes must be positive, was 0", org.junit.jupiter.api.Assertions
                .assertThrows(IllegalArgumentException.class, () -> mode.largeResponseThresholdBytes(0))
                .getMessage());
        AsyncMode defaults = mode.build();
        assertEquals(AsyncMode.DEFAULT_LEASE, defaults.lease());
        assertEquals(AsyncMode.DEFAULT_LARGE_RESPONSE_THRESHOLD_BYTES, defaults.largeResponseThresholdBytes());
        assertNull(defaults.presigner());
    }

    @Test
    void aHandOverDeliveredTwiceRunsTheWorkOnce() {
        var handler = handler();
        call(handler, rest("k-1", BODY));

        handOvers.get(0).run(null);
        handOvers.get(0).run(null);

        assertEquals(1, runs.get());
    }

    @Test
    void twoConcurrentDeliveriesOfOneHandOverRunTheWorkOnce() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> answer = behaviour;
        behaviour = (request, context) -> {
            running.countDown();
            await(release);
            return answer.handleRequest(request, context);
        };
        var handler = handler();
        call(handler, rest("k-1", BODY));
        AsyncHandOver handOver = handOvers.get(0);

        Thread first = new Thread(() -> handOver.run(null));
        first.start();
        await(running);
        handOver.run(null); // the duplicate, while the first delivery runs the work
        release.countDown();
        first.join();

        assertEquals(1, runs.get());
        assertEquals(201, call(handler, rest("k-1", BODY)).getStatusCode());
    }

    @Test
    void concurrentFirstRequestsHandOverOnce() throws Exception {
        var handler = handler();
        CyclicBarrier start = new CyclicBarrier(4);
        List<Thread> threads = new ArrayList<>();
        List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 4; i++) {
            Thread thread = new Thread(() -> {
                await(start);
                statuses.add(call(handler, rest("k-1", BODY)).getStatusCode());
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertEquals(List.of(202, 202, 202, 202), statuses);
        assertEquals(1, handOvers.size());
    }

    @Test
    void aClientForgingTheMarkerOnAKeyInProgressRunsNothing() {
        var handler = handler();
        call(handler, rest("k-1", BODY));
        APIGatewayProxyRequestEvent forged = rest("k-1", BODY);
        forged.getHeaders().put(AsyncMode.CLAIM_HEADER, "0".repeat(32));

        APIGatewayProxyResponseEvent response = call(handler, forged);

        assertEquals(202, response.getStatusCode());
        assertEquals(0, runs.get());
        handOvers.get(0).run(null);
        assertEquals(1, runs.get());
    }

    @Test
    void aClientForgingTheMarkerOnAFreshKeyRunsNothingIsRefusedAndLeavesTheKeyFree() throws Exception {
        var handler = handler();
        APIGatewayProxyRequestEvent forged = rest("k-1", BODY);
        forged.getHeaders().put(AsyncMode.CLAIM_HEADER, "0".repeat(32));

        APIGatewayProxyResponseEvent response = call(handler, forged);

        assertTrue(assertProblem(400, Problem.INVALID_REQUEST, response.getStatusCode(), response.getHeaders(),
                response.getBody()).path("detail").asText().contains(AsyncMode.CLAIM_HEADER), response.getBody());
        assertEquals(0, runs.get());
        assertEquals(0, handOvers.size());
        assertAccepted("accepted", call(handler, rest("k-1", BODY)));
    }

    // ------------------------------------------------------------------------------------------ failures and leases

    @Test
    void workThatFailsReleasesTheKeySoTheNextRequestStartsItAgain() throws Exception {
        behaviour = (request, context) -> {
            throw new IllegalStateException("report generator down");
        };
        var handler = handler();
        call(handler, rest("k-1", BODY));
        handOvers.get(0).run(null);
        assertEquals(1, runs.get());

        assertAccepted("accepted", call(handler, rest("k-1", BODY)));
        assertEquals(2, handOvers.size());
    }

    @Test
    void aHandOverThatNeverRunsHoldsTheKeyOnlyUntilTheLeaseLapsesAndItsLateDeliveryIsFenced() throws Exception {
        var handler = handler();
        call(handler, rest("k-1", BODY));
        clock.advance(Duration.ofMinutes(14));
        assertAccepted("in-progress", call(handler, rest("k-1", BODY)));

        clock.advance(Duration.ofMinutes(2));
        assertAccepted("accepted", call(handler, rest("k-1", BODY)));
        assertEquals(2, handOvers.size());
        handOvers.get(0).run(null); // the lost hand-over arrives late: its claim was taken over

        assertEquals(0, runs.get());
        handOvers.get(1).run(null);
        assertEquals(1, runs.get());
        assertEquals(201, call(handler, rest("k-1", BODY)).getStatusCode());
    }

    @Test
    void aDispatcherThatFailsAnswers503AndReleasesTheKey() throws Exception {
        dispatcher = (handOver, context) -> {
            throw new IllegalStateException("throttled");
        };
        var handler = handler();

        APIGatewayProxyResponseEvent refused = call(handler, rest("k-1", BODY));
        dispatcher = (handOver, context) -> handOvers.add(handOver);

        assertProblem(503, Problem.TEMPORARILY_UNAVAILABLE, refused.getStatusCode(), refused.getHeaders(),
                refused.getBody());
        assertAccepted("accepted", call(handler, rest("k-1", BODY)));
    }

    // ------------------------------------------------------------------------------------------ large responses

    @Test
    void aResponseOverTheThresholdIsReplayedAsAPresignedLinkToTheRecordedBytes() throws Exception {
        String report = "{\"rows\":\"" + "r".repeat(20_000) + "\"}";
        behaviour = (request, context) -> new APIGatewayProxyResponseEvent().withStatusCode(200)
                .withHeaders(Map.of("Content-Type", "application/json")).withBody(report);
        var handler = handler(10_000, true);
        call(handler, rest("k-1", BODY));
        handOvers.get(0).run(null);

        APIGatewayProxyResponseEvent replay = call(handler, rest("k-1", BODY));

        assertEquals(200, replay.getStatusCode());
        assertEquals(AsyncMode.RESULT_LINK_MEDIA_TYPE, replay.getHeaders().get("Content-Type"));
        assertEquals("true", replay.getHeaders().get(IdempotentHttp.REPLAYED_HEADER));
        JsonNode link = JSON.readTree(replay.getBody());
        assertEquals("completed", link.get("status").asText());
        assertEquals(200, link.get("statusCode").asInt());
        byte[] downloaded = download(link.get("url").asText());
        assertEquals(link.get("sha256").asText(), sha256(downloaded));
        assertEquals(link.get("size").asLong(), downloaded.length);
        JsonNode recorded = JSON.readTree(decode(downloaded, link.get("contentEncoding").asText()));
        assertEquals(sha256(report.getBytes(StandardCharsets.UTF_8)),
                sha256(recorded.get("body").asText().getBytes(StandardCharsets.UTF_8)));
        assertEquals(1, runs.get());
    }

    @Test
    void aResponseUnderTheThresholdIsReplayedAsItselfEvenWhenOffloaded() {
        String report = "{\"rows\":\"" + "r".repeat(5_000) + "\"}";
        behaviour = (request, context) -> new APIGatewayProxyResponseEvent().withStatusCode(200).withBody(report);
        var handler = handler(10_000, true);
        call(handler, rest("k-1", BODY));
        handOvers.get(0).run(null);

        assertEquals(report, call(handler, rest("k-1", BODY)).getBody());
    }

    @Test
    void aLargeResponseWithoutAPresignerIsUnavailableNotReturned() {
        behaviour = (request, context) -> new APIGatewayProxyResponseEvent().withStatusCode(200)
                .withBody("x".repeat(20_000));
        var handler = handler(10_000, false);
        call(handler, rest("k-1", BODY));
        handOvers.get(0).run(null);

        APIGatewayProxyResponseEvent replay = call(handler, rest("k-1", BODY));

        assertProblem(500, Problem.RESPONSE_UNAVAILABLE, replay.getStatusCode(), replay.getHeaders(),
                replay.getBody());
        assertEquals(1, runs.get());
    }

    @Test
    void aMissingObjectIsNeverLinkedTo() {
        behaviour = (request, context) -> new APIGatewayProxyResponseEvent().withStatusCode(200)
                .withBody("x".repeat(20_000));
        var handler = handler(10_000, true);
        call(handler, rest("k-1", BODY));
        handOvers.get(0).run(null);
        s3.listObjectsV2(list -> list.bucket(bucket)).contents()
                .forEach(object -> s3.deleteObject(delete -> delete.bucket(bucket).key(object.key())));

        APIGatewayProxyResponseEvent replay = call(handler, rest("k-1", BODY));

        assertProblem(500, Problem.RESPONSE_UNAVAILABLE, replay.getStatusCode(), replay.getHeaders(),
                replay.getBody());
        assertEquals(1, runs.get());
    }

    // ------------------------------------------------------------------------------------------ helpers

    static byte[] download(String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    static byte[] decode(byte[] stored, String contentEncoding) throws IOException {
        if (!"gzip".equals(contentEncoding)) {
            return stored;
        }
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(stored))) {
            return in.readAllBytes();
        }
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, java.util.concurrent.TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
