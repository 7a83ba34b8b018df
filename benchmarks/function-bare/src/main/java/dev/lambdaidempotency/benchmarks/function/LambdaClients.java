package dev.lambdaidempotency.benchmarks.function;

import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The DynamoDB client a cold-start-conscious Lambda function builds: url-connection HTTP client, credentials and
 * region from the environment (no provider-chain probing). The endpoint comes from {@code AWS_ENDPOINT_URL_DYNAMODB}
 * when set (the benchmark points it at DynamoDB Local), exactly as the SDK resolves it in production.
 */
public final class LambdaClients {
    private LambdaClients() {
    }

    /**
     * @return a new client
     */
    public static DynamoDbClient dynamoDb() {
        return DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
                .region(Region.of(System.getenv("AWS_REGION")))
                .build();
    }

    /**
     * @return the table the cold-start functions use ({@code IDEMPOTENCY_TABLE})
     */
    public static String table() {
        return System.getenv("IDEMPOTENCY_TABLE");
    }
}
