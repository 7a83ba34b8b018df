package dev.lambdaidempotency.testkit;

import java.net.URI;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Where a (local) AWS service answers, with the credentials it accepts, and factories for SDK clients pointed at it.
 *
 * @param uri       the endpoint, e.g. {@code http://127.0.0.1:41234}
 * @param region    the signing region
 * @param accessKey access key id
 * @param secretKey secret access key
 */
public record AwsEndpoint(URI uri, Region region, String accessKey, String secretKey) {

    /**
     * Validates that every part is present.
     *
     * @param uri       see the record description
     * @param region    see the record description
     * @param accessKey see the record description
     * @param secretKey see the record description
     */
    public AwsEndpoint {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
    }

    /**
     * A DynamoDB client for this endpoint (Apache HTTP client, standard retries).
     *
     * @param interceptors added to the client, e.g. a {@link RequestCounter}
     * @return a new client; close it when done
     */
    public DynamoDbClient dynamoDbClient(ExecutionInterceptor... interceptors) {
        return DynamoDbClient.builder()
                .endpointOverride(uri)
                .region(region)
                .credentialsProvider(credentials())
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(override(interceptors))
                .build();
    }

    /**
     * An S3 client for this endpoint (path-style addressing, Apache HTTP client, standard retries).
     *
     * @param interceptors added to the client
     * @return a new client; close it when done
     */
    public S3Client s3Client(ExecutionInterceptor... interceptors) {
        return S3Client.builder()
                .endpointOverride(uri)
                .region(region)
                .credentialsProvider(credentials())
                .forcePathStyle(true)
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(override(interceptors))
                .build();
    }

    /**
     * An S3 presigner for this endpoint (path-style URLs), for links a test downloads from the local S3 server.
     *
     * @return a new presigner; close it when done
     */
    public S3Presigner s3Presigner() {
        return S3Presigner.builder()
                .endpointOverride(uri)
                .region(region)
                .credentialsProvider(credentials())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }

    /**
     * Static credentials for this endpoint.
     *
     * @return a provider of {@link #accessKey()}/{@link #secretKey()}
     */
    public StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
    }

    private static ClientOverrideConfiguration override(ExecutionInterceptor... interceptors) {
        ClientOverrideConfiguration.Builder builder = ClientOverrideConfiguration.builder()
                .retryStrategy(RetryMode.STANDARD);
        for (ExecutionInterceptor interceptor : interceptors) {
            builder.addExecutionInterceptor(interceptor);
        }
        return builder.build();
    }
}
