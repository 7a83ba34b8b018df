package dev.lambdaidempotency.localrunner;

import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.testkit.DynamoDbLocalServer;
import dev.lambdaidempotency.testkit.S3Server;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Where the functions' records and results go during a local run, and how the functions are pointed there: the
 * runner sets the SDK's standard system properties ({@code aws.endpointUrlDynamoDb}, {@code aws.endpointUrlS3},
 * {@code aws.region}, {@code aws.accessKeyId}, {@code aws.secretAccessKey}) and the library's settings
 * ({@code IDEMPOTENCY_TABLE}, ...) as system properties before any function class is loaded; the functions' own
 * url-connection clients and the library (which reads a system property before the variable of the same name) pick
 * them up exactly as they would pick up the environment variables in Lambda.
 */
final class Backends implements AutoCloseable {
    static final String DEFAULT_TABLE = "idempotency-local";
    static final String DEFAULT_BUCKET = "idempotency-results-local";

    private final String description;
    private final String table;
    private final String bucket;
    private final DynamoDbClient dynamoDb;
    private final S3Client s3;
    private final List<AutoCloseable> closeables;

    private Backends(String description, String table, String bucket, DynamoDbClient dynamoDb, S3Client s3,
            List<AutoCloseable> closeables) {
        this.description = description;
        this.table = table;
        this.bucket = bucket;
        this.dynamoDb = dynamoDb;
        this.s3 = s3;
        this.closeables = closeables;
    }

    /** DynamoDB Local and S3Proxy in this JVM; table (TTL on) and bucket created as the template does. */
    static Backends embedded(String table, String bucket) {
        List<AutoCloseable> closeables = new ArrayList<>();
        DynamoDbLocalServer dynamoDbServer = DynamoDbLocalServer.start();
        closeables.add(dynamoDbServer);
        S3Server s3Server = S3Server.start();
        closeables.add(s3Server);
        URI dynamoDbUri = dynamoDbServer.endpoint().uri();
        URI s3Uri = s3Server.endpoint().uri();
        System.setProperty("aws.endpointUrlDynamoDb", dynamoDbUri.toString());
        System.setProperty("aws.endpointUrlS3", s3Uri.toString());
        System.setProperty("aws.region", s3Server.endpoint().region().id());
        // DynamoDB Local accepts any credentials; S3Proxy checks SigV4 against its own pair
        System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
        setLibrarySettings(table, bucket, true);
        DynamoDbClient dynamoDb = dynamoDbServer.endpoint().dynamoDbClient();
        S3Client s3 = s3Server.endpoint().s3Client();
        closeables.add(0, dynamoDb);
        closeables.add(0, s3);
        Backends backends = new Backends("DynamoDB Local " + dynamoDbUri + " + S3Proxy " + s3Uri + " (in this JVM)",
                table, bucket, dynamoDb, s3, closeables);
        backends.createTableAndBucket();
        return backends;
    }

    /** An existing emulator endpoint serving both services (LocalStack); table and bucket created if missing. */
    static Backends endpoint(URI endpoint, String table, String bucket) {
        System.setProperty("aws.endpointUrl", endpoint.toString());
        defaultIfUnset("aws.region", "AWS_REGION", "us-east-1");
        defaultIfUnset("aws.accessKeyId", "AWS_ACCESS_KEY_ID", "test");
        defaultIfUnset("aws.secretAccessKey", "AWS_SECRET_ACCESS_KEY", "test");
        setLibrarySettings(table, bucket, true);
        DynamoDbClient dynamoDb = DynamoDbClient.builder().httpClientBuilder(ApacheHttpClient.builder()).build();
        S3Client s3 = S3Client.builder().httpClientBuilder(ApacheHttpClient.builder()).forcePathStyle(true).build();
        Backends backends = new Backends("endpoint " + endpoint, table, bucket, dynamoDb, s3,
                new ArrayList<>(List.of(dynamoDb, s3)));
        backends.createTableAndBucket();
        return backends;
    }

    /** Real AWS with the default credential and region chains; the table and bucket must exist (a deployed stack). */
    static Backends aws(String table, String bucket) {
        setLibrarySettings(table, bucket, false);
        DynamoDbClient dynamoDb = DynamoDbClient.builder().httpClientBuilder(ApacheHttpClient.builder()).build();
        S3Client s3 = S3Client.builder().httpClientBuilder(ApacheHttpClient.builder()).build();
        return new Backends("AWS (default credential and region chains)", table, bucket, dynamoDb, s3,
                new ArrayList<>(List.of(dynamoDb, s3)));
    }

    String description() {
        return description;
    }

    String table() {
        return table;
    }

    String bucket() {
        return bucket;
    }

    /** A client for looking at what the functions wrote (not the functions' own client). */
    DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    /** A client for looking at what the functions wrote (not the functions' own client). */
    S3Client s3() {
        return s3;
    }

    private void createTableAndBucket() {
        DynamoDbIdempotencyStore.builder().client(dynamoDb).tableName(table).build().createTableIfMissing();
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException missing) {
            s3.createBucket(b -> b.bucket(bucket));
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            s3.createBucket(b -> b.bucket(bucket));
        }
    }

    private static void setLibrarySettings(String table, String bucket, boolean s3Compatible) {
        System.setProperty("IDEMPOTENCY_TABLE", table);
        System.setProperty("IDEMPOTENCY_BUCKET", bucket);
        if (s3Compatible) {
            // a local S3 server: path-style requests, and uploads without Expect: 100-continue (S3Proxy
            // intermittently breaks those from the url-connection client)
            System.setProperty("IDEMPOTENCY_S3_PATH_STYLE", "true");
            System.setProperty("IDEMPOTENCY_S3_EXPECT_CONTINUE", "false");
        }
    }

    private static void defaultIfUnset(String property, String variable, String value) {
        if (System.getProperty(property) == null && System.getenv(variable) == null) {
            System.setProperty(property, value);
        }
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                System.err.println("warning: could not close " + closeable + ": " + e);
            }
        }
    }
}
