package dev.lambdaidempotency.examples.wiring;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What the sample functions read from their environment, read in this one place.
 *
 * <p>Every setting is looked up first as a JVM system property of the same name, then as an environment variable
 * (the AWS SDK's own precedence). Lambda sets only environment variables; the local runner, which cannot change
 * its own environment, sets system properties.
 *
 * @param table            {@value #TABLE}: the idempotency table (required)
 * @param bucket           {@value #BUCKET}: the bucket for offloaded results, or {@code null} for none
 * @param s3PathStyle      {@value #S3_PATH_STYLE}: path-style S3 addressing, for S3-compatible servers
 * @param functionName     {@value #FUNCTION_NAME} (set by Lambda), or {@code null} outside Lambda
 * @param recordTtlSeconds {@value #RECORD_TTL_SECONDS}, or {@code null} for the library default
 * @param providerLatency  {@value #SIMULATED_PROVIDER_LATENCY_MS}: how long the simulated payment provider takes to
 *                         answer (default zero); the real-runtime tests use it to overlap concurrent duplicates and
 *                         to outlive the function's timeout
 */
public record FunctionSettings(String table, String bucket, boolean s3PathStyle, String functionName,
        String recordTtlSeconds, Duration providerLatency) {
    /** The DynamoDB table of idempotency records. */
    public static final String TABLE = "IDEMPOTENCY_TABLE";
    /** The S3 bucket of offloaded results. */
    public static final String BUCKET = "IDEMPOTENCY_BUCKET";
    /** {@code true} for S3-compatible servers needing path-style requests (the SDK has no variable for it). */
    public static final String S3_PATH_STYLE = "IDEMPOTENCY_S3_PATH_STYLE";
    /** Set by Lambda; scopes the idempotency records. */
    public static final String FUNCTION_NAME = "AWS_LAMBDA_FUNCTION_NAME";
    /** How long completed records replay, in seconds (read by the library). */
    public static final String RECORD_TTL_SECONDS = "IDEMPOTENCY_RECORD_TTL_SECONDS";
    /** Milliseconds the simulated payment provider takes per charge (a simulation knob; unset in template.yaml). */
    public static final String SIMULATED_PROVIDER_LATENCY_MS = "SIMULATED_PROVIDER_LATENCY_MS";

    /** Validates the settings. */
    public FunctionSettings {
        if (table == null || table.isBlank()) {
            throw new IllegalStateException(TABLE + " is not set: the functions need the name of the idempotency "
                    + "table (environment variable, or system property of the same name)");
        }
        providerLatency = providerLatency == null ? Duration.ZERO : providerLatency;
        if (providerLatency.isNegative()) {
            throw new IllegalStateException(SIMULATED_PROVIDER_LATENCY_MS + " must not be negative, was "
                    + providerLatency.toMillis());
        }
    }

    /**
     * Reads the settings from system properties and the process environment.
     *
     * @return the settings
     * @throws IllegalStateException when {@value #TABLE} is missing
     */
    public static FunctionSettings load() {
        return from(name -> {
            String value = System.getProperty(name);
            return value != null ? value : System.getenv(name);
        });
    }

    /**
     * Reads the settings from a lookup (tests).
     *
     * @param lookup setting name to value, or {@code null} when unset
     * @return the settings
     * @throws IllegalStateException when {@value #TABLE} is missing
     */
    public static FunctionSettings from(UnaryOperator<String> lookup) {
        Objects.requireNonNull(lookup, "lookup");
        UnaryOperator<String> get = name -> blankToNull(lookup.apply(name));
        String pathStyle = get.apply(S3_PATH_STYLE);
        return new FunctionSettings(get.apply(TABLE), get.apply(BUCKET),
                pathStyle != null && pathStyle.trim().toLowerCase(Locale.ROOT).equals("true"),
                get.apply(FUNCTION_NAME), get.apply(RECORD_TTL_SECONDS),
                milliseconds(SIMULATED_PROVIDER_LATENCY_MS, get.apply(SIMULATED_PROVIDER_LATENCY_MS)));
    }

    /**
     * The environment the library's {@code IdempotencyConfig.builder(Map)} reads: the function name (Lambda's, or
     * {@code fallbackFunctionName} outside Lambda) and the record TTL when set.
     *
     * @param fallbackFunctionName the scope to use when {@value #FUNCTION_NAME} is unset (local runs, tests)
     * @return variable names to values
     */
    public Map<String, String> libraryEnvironment(String fallbackFunctionName) {
        Map<String, String> env = new HashMap<>();
        env.put(FUNCTION_NAME, functionName != null ? functionName : fallbackFunctionName);
        if (recordTtlSeconds != null) {
            env.put(RECORD_TTL_SECONDS, recordTtlSeconds);
        }
        return Map.copyOf(env);
    }

    private static Duration milliseconds(String name, String value) {
        if (value == null) {
            return Duration.ZERO;
        }
        try {
            return Duration.ofMillis(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + " must be a whole number of milliseconds, was '" + value + "'", e);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
