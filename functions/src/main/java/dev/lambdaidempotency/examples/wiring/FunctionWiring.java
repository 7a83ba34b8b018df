package dev.lambdaidempotency.examples.wiring;

import com.amazonaws.xray.AWSXRay;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.opentelemetry.OpenTelemetryIdempotencyTracer;
import dev.lambdaidempotency.s3.S3ResultStore;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.spi.IdempotencyTracer;
import dev.lambdaidempotency.spi.ResultStore;
import dev.lambdaidempotency.xray.XRayIdempotencyTracer;
import dev.lambdaidempotency.xray.XRaySdkInterceptor;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The AWS side of the sample functions, made once per execution environment from the library's defaults and
 * variables ({@code IDEMPOTENCY_TABLE}, {@code IDEMPOTENCY_BUCKET}, ...) and the SDK's region, credential and endpoint
 * chains: url-connection clients whose calls are X-Ray subsegments, the DynamoDB record store and, for the function
 * that offloads, the S3 result store (made on first use). Tests pass in-memory stores to {@link #of}. Thread-safe.
 * The tracer is the one {@code IDEMPOTENCY_TRACER} names ({@link Tracing}).
 */
public record FunctionWiring(IdempotencyStore store, Supplier<ResultStore> results, Settings settings) {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /** The samples' own knob, not a library setting: {@code SIMULATED_PROVIDER_LATENCY_MS}. */
    public record Settings(Duration providerLatency) { }

    /**
     * Which tracer the functions use: {@code IDEMPOTENCY_TRACER} = {@code xray} (default: the template's
     * {@code Tracing: Active}, with the SDK calls as subsegments), {@code opentelemetry} (the global OpenTelemetry, as
     * the ADOT layer's agent registers it; the agent traces the SDK calls) or {@code none}. A system property of the
     * same name wins, as for the library's settings; read when a function is made.
     */
    public enum Tracing {
        XRAY, OPENTELEMETRY, NONE;

        public static final String SETTING = "IDEMPOTENCY_TRACER";

        public static Tracing fromEnvironment() {
            String value = System.getProperty(SETTING, System.getenv().getOrDefault(SETTING, "xray"));
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "xray" -> XRAY;
                case "opentelemetry" -> OPENTELEMETRY;
                case "none" -> NONE;
                default -> throw new IllegalArgumentException(SETTING + " must be xray, opentelemetry or none, was \""
                        + value + "\"");
            };
        }

        IdempotencyTracer tracer() {
            return switch (this) {
                case XRAY -> XRayIdempotencyTracer.usingGlobalRecorder();
                case OPENTELEMETRY -> OpenTelemetryIdempotencyTracer.usingGlobal();
                case NONE -> IdempotencyTracer.NONE;
            };
        }
    }

    private static final class Lazy {
        static final FunctionWiring INSTANCE = fromEnvironment();
    }

    public static FunctionWiring environment() {
        return Lazy.INSTANCE;
    }

    public static FunctionWiring fromEnvironment() {
        ClientOverrideConfiguration.Builder clients = ClientOverrideConfiguration.builder();
        if (Tracing.fromEnvironment() == Tracing.XRAY) {
            clients.addExecutionInterceptor(XRaySdkInterceptor.create(AWSXRay.getGlobalRecorder()));
        }
        ClientOverrideConfiguration traced = clients.build();
        DynamoDbClient dynamoDb = DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(traced).build();
        return new FunctionWiring(DynamoDbIdempotencyStore.builder().client(dynamoDb).build(),
                () -> S3ResultStore.builder().clientBuilder(S3Client.builder()
                        .httpClientBuilder(UrlConnectionHttpClient.builder()).overrideConfiguration(traced)).build(),
                new Settings(Duration.ofMillis(Long.parseLong(
                        System.getenv().getOrDefault("SIMULATED_PROVIDER_LATENCY_MS", "0").trim()))));
    }

    public static FunctionWiring of(IdempotencyStore store, ResultStore resultStore) {
        return new FunctionWiring(store, () -> resultStore, new Settings(Duration.ZERO));
    }

    /** An instance scoped by {@code AWS_LAMBDA_FUNCTION_NAME}, or {@code localName} outside Lambda. */
    public Idempotency idempotency(String localName, Consumer<IdempotencyConfig.Builder> configure) {
        return idempotency(localName, configure, null);
    }

    /** The same, offloading large results to the S3 result store ({@code IDEMPOTENCY_BUCKET}). */
    public Idempotency idempotencyWithOffload(String localName, Consumer<IdempotencyConfig.Builder> configure) {
        return idempotency(localName, configure, results.get());
    }

    private Idempotency idempotency(String localName, Consumer<IdempotencyConfig.Builder> configure,
            ResultStore resultStore) {
        IdempotencyConfig.Builder config = IdempotencyConfig.builder().defaultFunctionName(localName);
        configure.accept(config);
        // primed before the SnapStart snapshot (in memory, writing nothing); a no-op without a CRaC runtime
        return Idempotency.builder().store(store).resultStore(resultStore).config(config.build())
                .tracer(Tracing.fromEnvironment().tracer()).objectMapper(JSON).primeOnSnapStart(true).build();
    }

    public static ObjectMapper json() {
        return JSON;
    }
}
