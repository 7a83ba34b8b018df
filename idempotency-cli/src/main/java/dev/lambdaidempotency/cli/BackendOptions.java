package dev.lambdaidempotency.cli;

import java.net.URI;
import picocli.CommandLine.Option;

/**
 * Where the table and the results bucket are. Unset options fall back to what the functions themselves read: the
 * library's {@code IDEMPOTENCY_TABLE} / {@code IDEMPOTENCY_BUCKET} / {@code IDEMPOTENCY_S3_PATH_STYLE}, and the AWS
 * SDK's chains for region, credentials and endpoints ({@code AWS_REGION}, {@code AWS_PROFILE},
 * {@code AWS_ENDPOINT_URL}, {@code AWS_ENDPOINT_URL_DYNAMODB}, {@code AWS_ENDPOINT_URL_S3}, ...).
 */
final class BackendOptions {
    @Option(names = "--table", paramLabel = "NAME",
            description = "The idempotency table (default: IDEMPOTENCY_TABLE, else \"idempotency\", as the library).")
    String table;

    @Option(names = "--bucket", paramLabel = "NAME", defaultValue = "${env:IDEMPOTENCY_BUCKET}",
            description = "Look offloaded results up in this bucket (default: IDEMPOTENCY_BUCKET, else the bucket "
                    + "each record names).")
    String bucket;

    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region (default: the SDK's chain: AWS_REGION, profile, ...).")
    String region;

    @Option(names = "--endpoint-url", paramLabel = "URL",
            description = "One endpoint for DynamoDB and S3 (LocalStack, say). Default: AWS, or "
                    + "AWS_ENDPOINT_URL[_DYNAMODB|_S3].")
    URI endpointUrl;

    @Option(names = "--dynamodb-endpoint-url", paramLabel = "URL",
            description = "DynamoDB's endpoint alone (DynamoDB Local, say); overrides --endpoint-url.")
    URI dynamoDbEndpointUrl;

    @Option(names = "--s3-endpoint-url", paramLabel = "URL",
            description = "S3's endpoint alone (S3Proxy, MinIO); overrides --endpoint-url.")
    URI s3EndpointUrl;

    @Option(names = "--path-style", paramLabel = "BOOLEAN", defaultValue = "${env:IDEMPOTENCY_S3_PATH_STYLE:-false}",
            description = "Path-style S3 requests, for S3-compatible servers (default: IDEMPOTENCY_S3_PATH_STYLE).")
    boolean pathStyle;

    URI dynamoDbEndpoint() {
        return dynamoDbEndpointUrl != null ? dynamoDbEndpointUrl : endpointUrl;
    }

    URI s3Endpoint() {
        return s3EndpointUrl != null ? s3EndpointUrl : endpointUrl;
    }
}
