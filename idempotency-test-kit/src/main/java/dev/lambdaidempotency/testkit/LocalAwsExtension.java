package dev.lambdaidempotency.testkit;

import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A JUnit 5 extension giving tests real DynamoDB and S3 endpoints:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalAwsExtension aws = LocalAwsExtension.embedded();
 *
 * @Test
 * void replays() {
 *     DynamoDbIdempotencyStore store = aws.newStore(aws.dynamoDbClient());  // fresh table with TTL
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #embedded()} starts DynamoDB Local and S3Proxy inside the test JVM, once per JVM and lazily (a test that
 * uses only DynamoDB never starts S3), and stops them when the run ends. {@link #localStack()} uses LocalStack
 * instead, from {@code LOCALSTACK_ENDPOINT} or Testcontainers, and skips the test class with the reason when
 * neither is available. Clients made by the extension are closed after the class.
 */
public final class LocalAwsExtension implements ExecutionCondition, BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LocalAwsExtension.class);

    private final boolean localStack;
    private final List<AutoCloseable> clients = new ArrayList<>();
    private final AtomicInteger names = new AtomicInteger();
    private ExtensionContext.Store store;
    private volatile String unavailable;

    private LocalAwsExtension(boolean localStack) {
        this.localStack = localStack;
    }

    /**
     * DynamoDB Local and S3Proxy in this JVM (no Docker, no network).
     *
     * @return the extension
     */
    public static LocalAwsExtension embedded() {
        return new LocalAwsExtension(false);
    }

    /**
     * LocalStack, skipping the class when neither Docker nor {@code LOCALSTACK_ENDPOINT} is available.
     *
     * @return the extension
     */
    public static LocalAwsExtension localStack() {
        return new LocalAwsExtension(true);
    }

    /**
     * Disables the test class, with the reason, when LocalStack is wanted but not available. (A condition rather
     * than an assumption: build tools report a disabled class and its reason, an aborted one they may drop.)
     *
     * @param context the class or method about to run
     * @return enabled, or disabled with the reason
     */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String reason = unavailableReason();
        return reason == null ? ConditionEvaluationResult.enabled("the backend is available")
                : ConditionEvaluationResult.disabled(reason);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        store = context.getRoot().getStore(NAMESPACE);
        String reason = unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
    }

    private String unavailableReason() {
        if (!localStack) {
            return null;
        }
        String reason = unavailable;
        if (reason == null) {
            reason = LocalStackBackend.unavailableReason(System.getenv());
            unavailable = reason == null ? "" : reason;
        }
        return reason == null || reason.isEmpty() ? null : reason;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        synchronized (clients) {
            for (AutoCloseable client : clients) {
                client.close();
            }
            clients.clear();
        }
    }

    /**
     * The DynamoDB endpoint (started on first use).
     *
     * @return the endpoint
     */
    public AwsEndpoint dynamoDb() {
        if (localStack) {
            return localStackBackend().endpoint();
        }
        return requireStore().getOrComputeIfAbsent(DynamoDbLocalServer.class, k -> DynamoDbLocalServer.start(),
                DynamoDbLocalServer.class).endpoint();
    }

    /**
     * The S3 endpoint (started on first use).
     *
     * @return the endpoint
     */
    public AwsEndpoint s3() {
        if (localStack) {
            return localStackBackend().endpoint();
        }
        return requireStore().getOrComputeIfAbsent(S3Server.class, k -> S3Server.start(), S3Server.class).endpoint();
    }

    /**
     * A DynamoDB client for {@link #dynamoDb()}, closed after the test class.
     *
     * @param interceptors added to the client
     * @return the client
     */
    public DynamoDbClient dynamoDbClient(ExecutionInterceptor... interceptors) {
        return track(dynamoDb().dynamoDbClient(interceptors));
    }

    /**
     * An S3 client for {@link #s3()}, closed after the test class.
     *
     * @param interceptors added to the client
     * @return the client
     */
    public S3Client s3Client(ExecutionInterceptor... interceptors) {
        return track(s3().s3Client(interceptors));
    }

    /**
     * Creates a new, uniquely named table (TTL on) and a store on it.
     *
     * @param client the client the store uses
     * @return the store
     */
    public DynamoDbIdempotencyStore newStore(DynamoDbClient client) {
        DynamoDbIdempotencyStore created = DynamoDbIdempotencyStore.builder().client(client)
                .tableName(uniqueName("idempotency")).build();
        created.createTableIfMissing();
        return created;
    }

    /**
     * Creates a new, uniquely named bucket.
     *
     * @param client the client to create it with
     * @return the bucket name
     */
    public String newBucket(S3Client client) {
        String bucket = uniqueName("results");
        client.createBucket(b -> b.bucket(bucket));
        return bucket;
    }

    /**
     * A name no other call of this JVM returns.
     *
     * @param prefix lowercase letters and dashes
     * @return {@code prefix-<n>-<random>}
     */
    public String uniqueName(String prefix) {
        return prefix + "-" + names.incrementAndGet() + "-" + Long.toHexString(System.nanoTime() & 0xffffffL);
    }

    private LocalStackBackend localStackBackend() {
        return requireStore().getOrComputeIfAbsent(LocalStackBackend.class,
                k -> LocalStackBackend.start(System.getenv()), LocalStackBackend.class);
    }

    private ExtensionContext.Store requireStore() {
        if (store == null) {
            throw new IllegalStateException("LocalAwsExtension is used before its beforeAll: register it with "
                    + "@RegisterExtension on a static field");
        }
        return store;
    }

    private <C extends AutoCloseable> C track(C client) {
        synchronized (clients) {
            clients.add(client);
        }
        return client;
    }
}
