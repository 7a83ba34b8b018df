package dev.lambdaidempotency.internal;

import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The one place the library reads environment variables. In the process environment a JVM system property of the
 * same name takes precedence over the variable (the AWS SDK's own order for its settings), so a runner that hosts
 * functions in its own JVM, and cannot change its environment, can still set them.
 */
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
    /**
     * {@code false} makes S3 clients configured by the library send uploads without {@code Expect: 100-continue},
     * for S3-compatible servers that mishandle it.
     */
    public static final String S3_EXPECT_CONTINUE = "IDEMPOTENCY_S3_EXPECT_CONTINUE";
    /** {@code false} turns the CloudWatch EMF metrics line off. */
    public static final String METRICS = "IDEMPOTENCY_METRICS";
    /** The CloudWatch namespace of the EMF metrics (default {@code LambdaIdempotency}). */
    public static final String METRICS_NAMESPACE = "IDEMPOTENCY_METRICS_NAMESPACE";
    /** Set by Lambda (custom runtimes): the X-Ray trace header of the current invocation. */
    public static final String XRAY_TRACE_ID = "_X_AMZN_TRACE_ID";

    private final UnaryOperator<String> values;

    private Environment(UnaryOperator<String> values) {
        this.values = values;
    }

    /**
     * The process environment, where a system property of the same name overrides a variable.
     *
     * @return a view of {@link System#getProperties()} over {@link System#getenv()}
     */
    public static Environment system() {
        return new Environment(name -> {
            String property = System.getProperty(name);
            return property != null ? property : System.getenv(name);
        });
    }

    /**
     * A fixed environment.
     *
     * @param values names to values
     * @return an environment reading only {@code values}
     */
    public static Environment of(Map<String, String> values) {
        return new Environment(Map.copyOf(Objects.requireNonNull(values, "environment"))::get);
    }

    /**
     * Reads a variable; blank counts as unset.
     *
     * @param name the variable
     * @return its value, or {@code null}
     */
    public String get(String name) {
        String value = values.apply(name);
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
