package dev.lambdaidempotency.examples.wiring;

import com.amazonaws.xray.AWSXRay;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.s3.S3ResultStore;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.spi.IdempotencyTracer;
import dev.lambdaidempotency.spi.ResultStore;
import dev.lambdaidempotency.xray.XRayIdempotencyTracer;
import dev.lambdaidempotency.xray.XRaySdkInterceptor;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The AWS side of the sample functions, built once per execution environment: SDK clients, the record store, the
 * result store, the tracer and the metrics sink. This is the one place to change when the backends change.
 *
 * <p>{@link #environment()} builds the clients the Lambda-friendly way: the url-connection HTTP client (no Apache
 * or Netty stack, light cold start), region, credentials and endpoints from the SDK's standard chains, so
 * {@code AWS_ENDPOINT_URL}, {@code AWS_ENDPOINT_URL_DYNAMODB}, {@code AWS_ENDPOINT_URL_S3} (or the system
 * properties {@code aws.endpointUrl*}) redirect them to local emulators without code changes. It runs during the
 * Lambda init phase, so with SnapStart the clients are part of the snapshot.
 *
 * <p>Observability: the lifecycle is traced as X-Ray subsegments and the DynamoDB/S3 calls as their children (both
 * silent when there is no trace, as in local runs); metrics are the library's default, CloudWatch EMF lines
 * (namespace {@code LambdaIdempotency}, dimension {@code FunctionName}) when running in Lambda, which
 * template.yaml's dashboard and alarms read. This class is immutable and thread-safe.
 */
public final class FunctionWiring {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final IdempotencyTracer TRACER = XRayIdempotencyTracer.create(AWSXRay.getGlobalRecorder());

    private final FunctionSettings settings;
    private final IdempotencyStore store;
    private final ResultStore resultStore;

    private FunctionWiring(FunctionSettings settings, IdempotencyStore store, ResultStore resultStore) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = Objects.requireNonNull(store, "store");
        this.resultStore = resultStore;
    }

    /** Built on first use, once per JVM (per execution environment in Lambda). */
    private static final class Environment {
        static final FunctionWiring INSTANCE = fromSettings(FunctionSettings.load());
    }

    /**
     * The wiring of this execution environment, from {@link FunctionSettings#load()}; built on first call.
     *
     * @return the shared instance
     * @throws IllegalStateException when a required setting is missing
     */
    public static FunctionWiring environment() {
        return Environment.INSTANCE;
    }

    /**
     * Builds url-connection SDK clients (standard region, credential and endpoint chains) for {@code settings}.
     * The S3 client is built only when a bucket is configured.
     *
     * @param settings the settings
     * @return a new wiring owning its clients
     */
    public static FunctionWiring fromSettings(FunctionSettings settings) {
        DynamoDbClient dynamoDb = DynamoDbClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(clientOverrides().build())
                .build();
        S3Client s3 = null;
        if (settings.bucket() != null) {
            s3 = S3Client.builder()
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .forcePathStyle(settings.s3PathStyle())
                    .overrideConfiguration(clientOverrides().addExecutionInterceptor(new ExpectHeaderRemover())
                            .build())
                    .build();
        }
        return of(settings, dynamoDb, s3);
    }

    /**
     * A wiring over clients the caller made (tests point them at DynamoDB Local and S3Proxy).
     *
     * @param settings the settings (table, bucket)
     * @param dynamoDb the DynamoDB client
     * @param s3       the S3 client, or {@code null} for no result store
     * @return the wiring
     */
    public static FunctionWiring of(FunctionSettings settings, DynamoDbClient dynamoDb, S3Client s3) {
        Objects.requireNonNull(dynamoDb, "dynamoDb");
        IdempotencyStore store = DynamoDbIdempotencyStore.builder().client(dynamoDb).tableName(settings.table())
                .build();
        ResultStore resultStore = s3 != null && settings.bucket() != null
                ? S3ResultStore.builder(Map.of()).client(s3).bucket(settings.bucket()).build()
                : null;
        return new FunctionWiring(settings, store, resultStore);
    }

    /**
     * A wiring over stores the caller made (unit tests use the test kit's in-memory stores).
     *
     * @param settings    the settings (function name, record TTL)
     * @param store       the record store
     * @param resultStore the result store, or {@code null} for none
     * @return the wiring
     */
    public static FunctionWiring of(FunctionSettings settings, IdempotencyStore store, ResultStore resultStore) {
        return new FunctionWiring(settings, store, resultStore);
    }

    /**
     * An {@link Idempotency} on this wiring's stores and the X-Ray tracer; metrics are the library default (EMF in
     * Lambda unless {@code IDEMPOTENCY_METRICS=false}, none elsewhere).
     *
     * @param fallbackFunctionName the record scope outside Lambda (inside, {@code AWS_LAMBDA_FUNCTION_NAME})
     * @param configure            sets the function's key selection and validation
     * @return the instance (build it once, at init)
     */
    public Idempotency idempotency(String fallbackFunctionName, Consumer<IdempotencyConfig.Builder> configure) {
        IdempotencyConfig.Builder config = IdempotencyConfig.builder(settings.libraryEnvironment(fallbackFunctionName));
        configure.accept(config);
        return Idempotency.builder()
                .store(store)
                .resultStore(resultStore)
                .config(config.build())
                .tracer(TRACER)
                .objectMapper(MAPPER)
                .build();
    }

    /**
     * The JSON mapper the functions and their idempotency records share.
     *
     * @return the mapper (thread-safe once configured; do not reconfigure)
     */
    public static ObjectMapper json() {
        return MAPPER;
    }

    /**
     * The settings this wiring was made from.
     *
     * @return the settings
     */
    public FunctionSettings settings() {
        return settings;
    }

    /**
     * The result store: results over the offload threshold go to S3 when {@code IDEMPOTENCY_BUCKET} is set, under
     * {@code idempotency-results/} (gzip, SHA-256-verified), the prefix template.yaml's lifecycle rule and IAM policy
     * are scoped to.
     *
     * @return the result store, or {@code null} without a bucket
     */
    public ResultStore resultStore() {
        return resultStore;
    }

    /** Every client of {@link #fromSettings(FunctionSettings)} records its calls as X-Ray subsegments. */
    private static ClientOverrideConfiguration.Builder clientOverrides() {
        return ClientOverrideConfiguration.builder()
                .addExecutionInterceptor(XRaySdkInterceptor.create(AWSXRay.getGlobalRecorder()));
    }

    @Override
    public String toString() {
        return "FunctionWiring[table=" + settings.table() + ", bucket=" + settings.bucket() + "]";
    }
}
