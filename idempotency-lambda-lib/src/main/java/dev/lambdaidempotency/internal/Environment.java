package dev.lambdaidempotency.internal;

import java.util.Map;
import java.util.Objects;

/** The one place the library reads environment variables. */
public final class Environment {
    /** Set by Lambda: the default scope of record ids. */
    public static final String FUNCTION_NAME = "AWS_LAMBDA_FUNCTION_NAME";
    /** Overrides the default record TTL, in seconds. */
    public static final String RECORD_TTL_SECONDS = "IDEMPOTENCY_RECORD_TTL_SECONDS";
    /** The DynamoDB table of idempotency records. */
    public static final String TABLE = "IDEMPOTENCY_TABLE";
    /** The S3 bucket for offloaded results. */
    public static final String BUCKET = "IDEMPOTENCY_BUCKET";
    /** {@code true} for S3-compatible servers that need path-style addressing. */
    public static final String S3_PATH_STYLE = "IDEMPOTENCY_S3_PATH_STYLE";
    /** {@code false} turns the CloudWatch EMF metrics line off. */
    public static final String METRICS = "IDEMPOTENCY_METRICS";
    /** The CloudWatch namespace of the EMF metrics (default {@code LambdaIdempotency}). */
    public static final String METRICS_NAMESPACE = "IDEMPOTENCY_METRICS_NAMESPACE";
    /** Set by Lambda (custom runtimes): the X-Ray trace header of the current invocation. */
    public static final String XRAY_TRACE_ID = "_X_AMZN_TRACE_ID";

    private final Map<String, String> values;

    private Environment(Map<String, String> values) {
        this.values = values;
    }

    /**
     * The process environment.
     *
     * @return a view of {@link System#getenv()}
     */
    public static Environment system() {
        return new Environment(System.getenv());
    }

    /**
     * A fixed environment.
     *
     * @param values names to values
     * @return an environment reading only {@code values}
     */
    public static Environment of(Map<String, String> values) {
        return new Environment(Map.copyOf(Objects.requireNonNull(values, "environment")));
    }

    /**
     * Reads a variable; blank counts as unset.
     *
     * @param name the variable
     * @return its value, or {@code null}
     */
    public String get(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    /**
     * Reads a boolean variable.
     *
     * @param name     the variable
     * @param fallback the value when unset
     * @return {@code true} for "true"/"1"/"yes"/"on" (any case), {@code false} for other set values
     */
    public boolean flag(String name, boolean fallback) {
        String value = get(name);
        if (value == null) {
            return fallback;
        }
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        return v.equals("true") || v.equals("1") || v.equals("yes") || v.equals("on");
    }
}
