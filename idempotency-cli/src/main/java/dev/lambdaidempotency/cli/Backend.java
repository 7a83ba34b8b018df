package dev.lambdaidempotency.cli;

import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import java.util.function.Supplier;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The clients of one command run: DynamoDB with the library's store over it (its decoding and its release request),
 * and S3 made on first use (only inspect reads results).
 */
final class Backend implements AutoCloseable {
    private final DynamoDbClient dynamoDb;
    private final Supplier<S3Client> s3Factory;
    private final DynamoDbIdempotencyStore store;
    private final String bucket;
    private final boolean ownsClients;
    private S3Client s3;

    Backend(DynamoDbClient dynamoDb, Supplier<S3Client> s3Factory, String table, String bucket, boolean ownsClients) {
        this.dynamoDb = dynamoDb;
        this.s3Factory = s3Factory;
        DynamoDbIdempotencyStore.Builder builder = DynamoDbIdempotencyStore.builder().client(dynamoDb);
        if (table != null) {
            builder.tableName(table);
        }
        this.store = builder.build();
        this.bucket = bucket;
        this.ownsClients = ownsClients;
    }

    /** Opens clients the way the SDK's chains and the options say. */
    static Backend fromOptions(BackendOptions options) {
        DynamoDbClientBuilder dynamoDb = DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
        if (options.region != null) {
            dynamoDb.region(Region.of(options.region));
        }
        if (options.dynamoDbEndpoint() != null) {
            dynamoDb.endpointOverride(options.dynamoDbEndpoint());
        }
        Supplier<S3Client> s3 = () -> {
            S3ClientBuilder builder = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                    .forcePathStyle(options.pathStyle);
            if (options.region != null) {
                builder.region(Region.of(options.region));
            }
            if (options.s3Endpoint() != null) {
                builder.endpointOverride(options.s3Endpoint());
            }
            return builder.build();
        };
        return new Backend(dynamoDb.build(), s3, options.table, options.bucket, true);
    }

    DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    DynamoDbIdempotencyStore store() {
        return store;
    }

    String table() {
        return store.tableName();
    }

    /** The bucket to look offloaded results up in, or {@code null} for the one each record names. */
    String bucketOverride() {
        return bucket;
    }

    synchronized S3Client s3() {
        if (s3 == null) {
            s3 = s3Factory.get();
        }
        return s3;
    }

    @Override
    public synchronized void close() {
        if (ownsClients) {
            dynamoDb.close();
            if (s3 != null) {
                s3.close();
            }
        }
    }

    /** How a command gets its backend; tests hand in clients for the embedded servers. */
    @FunctionalInterface
    interface Factory {
        Factory FROM_OPTIONS = Backend::fromOptions;

        Backend open(BackendOptions options);
    }
}
