package dev.lambdaidempotency.testkit;

import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
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
 * instead, decided once per test run:
 *
 * <ul>
 *   <li>{@code LOCALSTACK_ENDPOINT} set (e.g. {@code http://127.0.0.1:4566}): that LocalStack. Its
 *       {@code /_localstack/health} is checked once; when it does not answer, every LocalStack test class
 *       <em>fails</em> with one line saying so (no stack trace), since the endpoint was asked for.</li>
 *   <li>otherwise, when a Docker engine is available: a LocalStack container (Testcontainers; {@code LOCALSTACK_IMAGE}
 *       picks the image).</li>
 *   <li>otherwise the class is skipped with the reason, or fails when {@code REQUIRE_LOCALSTACK=true} (for CI, where
 *       a skipped LocalStack suite must not look like a passed one).</li>
 * </ul>
 *
 * <p>Clients made by the extension are closed after the class.
 */
public final class LocalAwsExtension implements ExecutionCondition, BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LocalAwsExtension.class);

    /** Decides where LocalStack comes from; {@code null} for the embedded back ends. */
    private final Supplier<LocalStackSource> localStack;
    private final List<AutoCloseable> clients = new ArrayList<>();
    private final AtomicInteger names = new AtomicInteger();
    private ExtensionContext.Store store;

    LocalAwsExtension(Supplier<LocalStackSource> localStack) {
        this.localStack = localStack;
    }

    /**
     * DynamoDB Local and S3Proxy in this JVM (no Docker, no network).
     *
     * @return the extension
     */
    public static LocalAwsExtension embedded() {
        return new LocalAwsExtension(null);
    }

    /**
     * LocalStack from {@code LOCALSTACK_ENDPOINT} or Docker; see the class description for when the class is
     * skipped and when it fails.
     *
     * @return the extension
     */
    public static LocalAwsExtension localStack() {
        return new LocalAwsExtension(() -> LocalStackSource.choose(System.getenv(), LocalStackBackend::dockerAvailable,
                LocalStackHealth::problem));
    }

    /**
     * Disables the test class, with the reason, when LocalStack is wanted, not available, and not required. (A
     * condition rather than an assumption: build tools report a disabled class and its reason, an aborted one they
     * may drop.)
     *
     * @param context the class or method about to run
     * @return enabled, or disabled with the reason
     */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (localStack == null) {
            return ConditionEvaluationResult.enabled("the embedded back ends start in this JVM");
        }
        LocalStackSource source = localStackSource(context);
        return source instanceof LocalStackSource.Skip skip ? ConditionEvaluationResult.disabled(skip.reason())
                : ConditionEvaluationResult.enabled("LocalStack: " + source);
    }

    /**
     * Fails the test class, with one line and no stack trace, when LocalStack was asked for and cannot be had.
     *
     * @param context the test class
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        store = context.getRoot().getStore(NAMESPACE);
        if (localStack != null && localStackSource(context) instanceof LocalStackSource.Fail fail) {
            throw new LocalStackUnavailableException(fail.message());
        }
    }

    /** Decided once per test run (the root context's store), so a dead endpoint is probed once, not per class. */
    private LocalStackSource localStackSource(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(LocalStackSource.class,
                k -> localStack.get(), LocalStackSource.class);
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
        if (localStack != null) {
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
        if (localStack != null) {
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
        ExtensionContext.Store root = requireStore();
        LocalStackSource source = root.get(LocalStackSource.class, LocalStackSource.class);
        return root.getOrComputeIfAbsent(LocalStackBackend.class, k -> LocalStackBackend.start(source),
                LocalStackBackend.class);
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
