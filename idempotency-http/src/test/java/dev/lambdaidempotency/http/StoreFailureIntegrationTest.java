package dev.lambdaidempotency.http;

import static dev.lambdaidempotency.http.HttpEvents.BODY;
import static dev.lambdaidempotency.http.HttpEvents.assertProblem;
import static dev.lambdaidempotency.http.HttpEvents.rest;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/** A store that is down or throttling: 503 with Retry-After, and the handler does not run. */
class StoreFailureIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    private final AtomicInteger runs = new AtomicInteger();

    private APIGatewayProxyResponseEvent callThrough(DynamoDbClient client, String table) {
        Idempotency idempotency = Idempotency.builder()
                .store(DynamoDbIdempotencyStore.builder().client(client).tableName(table).build())
                .config(IdempotencyConfig.builder(Map.of()).functionName("down-fn").build())
                .build();
        return IdempotentHttp.builder(idempotency).unavailableRetryAfter(Duration.ofSeconds(5)).build()
                .restApi((request, context) -> {
                    runs.incrementAndGet();
                    return new APIGatewayProxyResponseEvent().withStatusCode(201);
                })
                .handleRequest(rest("k-down", BODY), null);
    }

    @Test
    void anUnreachableStoreIs503WithRetryAfter() throws IOException {
        try (DynamoDbClient down = DynamoDbClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + closedPort()))
                .region(aws.dynamoDb().region())
                .credentialsProvider(aws.dynamoDb().credentials())
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(2)))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            APIGatewayProxyResponseEvent response = callThrough(down, "unreachable");
            assertProblem(503, Problem.TEMPORARILY_UNAVAILABLE, response.getStatusCode(), response.getHeaders(),
                    response.getBody());
            assertEquals("5", response.getHeaders().get("Retry-After"));
            assertEquals(0, runs.get());
        }
    }

    @Test
    void aThrottlingStoreIs503WithRetryAfter() {
        ExecutionInterceptor throttle = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                throw ProvisionedThroughputExceededException.builder().statusCode(400)
                        .awsErrorDetails(AwsErrorDetails.builder().serviceName("DynamoDb")
                                .errorCode("ProvisionedThroughputExceededException")
                                .errorMessage("Rate of requests exceeds the allowed throughput").build())
                        .build();
            }
        };
        try (DynamoDbClient throttled = DynamoDbClient.builder()
                .endpointOverride(aws.dynamoDb().uri())
                .region(aws.dynamoDb().region())
                .credentialsProvider(aws.dynamoDb().credentials())
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .addExecutionInterceptor(throttle))
                .build()) {
            assertThrottled(callThrough(throttled, "throttled"));
        }
    }

    private void assertThrottled(APIGatewayProxyResponseEvent response) {
        assertProblem(503, Problem.TEMPORARILY_UNAVAILABLE, response.getStatusCode(), response.getHeaders(),
                response.getBody());
        assertEquals("5", response.getHeaders().get("Retry-After"));
        assertEquals(0, runs.get());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
