package dev.lambdaidempotency;

import dev.lambdaidempotency.internal.Environment;
import dev.lambdaidempotency.internal.JsonSelector;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Immutable settings of an {@link Idempotency} instance. Build one with {@link #builder()}:
 *
 * <pre>{@code
 * IdempotencyConfig config = IdempotencyConfig.builder()
 *     .keyHeader("Idempotency-Key")     // or .keyPath("body.orderId"); default: the whole event
 *     .payloadPath("body")              // reject a reused key whose body differs
 *     .recordTtl(Duration.ofHours(24))
 *     .build();
 * }</pre>
 *
 * <p>Settings are read through accessors named after them; {@link #equals}, {@link #hashCode} and {@link #toString}
 * cover every setting. A final class rather than a record, so that a new setting is a new builder method and
 * accessor, never a changed constructor. This class is immutable and thread-safe.
 */
public final class IdempotencyConfig {
    /** Default {@link #recordTtl()}: one hour. */
    public static final Duration DEFAULT_RECORD_TTL = Duration.ofHours(1);
    /**
     * Shortest accepted {@link #recordTtl()}: one second, the precision of the stored expiry (DynamoDB's TTL
     * attribute is in epoch seconds), so a shorter TTL could not be stored as what it says.
     */
    public static final Duration MIN_RECORD_TTL = Duration.ofSeconds(1);
    /**
     * Default {@link #inProgressLease()}: fifteen minutes, Lambda's maximum function timeout. A call without a
     * {@code Context} cannot know how long its function may still run, so its claim must never lapse while any
     * Lambda function could still be running it; a shorter lease is an explicit choice.
     */
    public static final Duration DEFAULT_IN_PROGRESS_LEASE = Duration.ofMinutes(15);
    /** Default {@link #maxKeyBytes()}: 1 KiB. */
    public static final int DEFAULT_MAX_KEY_BYTES = 1024;
    /** Default {@link #offloadThresholdBytes()}: 8 KiB, the cost break-even (see docs/decisions.md). */
    public static final int DEFAULT_OFFLOAD_THRESHOLD_BYTES = 8 * 1024;

    private static final Pattern SCOPE_PART = Pattern.compile("[A-Za-z0-9._:\\-]{1,140}");

    private final String functionName;
    private final String keySpace;
    private final List<String> keyPaths;
    private final String payloadPath;
    private final MissingKeyPolicy missingKeyPolicy;
    private final Duration recordTtl;
    private final Duration inProgressLease;
    private final int maxKeyBytes;
    private final int localCacheSize;
    private final int offloadThresholdBytes;
    private final Clock clock;

    private IdempotencyConfig(Builder builder) {
        this.functionName = builder.functionName != null || builder.defaultFunctionName == null
                ? requireScopePart("functionName", builder.functionName)
                : requireScopePart("defaultFunctionName", builder.defaultFunctionName);
        this.keySpace = builder.keySpace == null ? null : requireScopePart("keySpace", builder.keySpace);
        this.keyPaths = List.copyOf(Objects.requireNonNull(builder.keyPaths, "keyPaths"));
        keyPaths.forEach(JsonSelector::parse);
        this.payloadPath = builder.payloadPath;
        if (payloadPath != null) {
            JsonSelector.parse(payloadPath);
        }
        this.missingKeyPolicy = Objects.requireNonNull(builder.missingKeyPolicy, "missingKeyPolicy");
        this.recordTtl = requirePositive("recordTtl", builder.recordTtl);
        if (recordTtl.compareTo(MIN_RECORD_TTL) < 0) {
            throw new IllegalArgumentException("recordTtl must be at least " + MIN_RECORD_TTL + " (the stored expiry "
                    + "has second precision), was " + recordTtl);
        }
        this.inProgressLease = requirePositive("inProgressLease", builder.inProgressLease);
        this.maxKeyBytes = builder.maxKeyBytes;
        if (maxKeyBytes < 1) {
            throw new IllegalArgumentException("maxKeyBytes must be positive, was " + maxKeyBytes);
        }
        this.localCacheSize = builder.localCacheSize;
        if (localCacheSize < 0) {
            throw new IllegalArgumentException("localCacheSize must not be negative, was " + localCacheSize);
        }
        this.offloadThresholdBytes = builder.offloadThresholdBytes;
        if (offloadThresholdBytes < 0) {
            throw new IllegalArgumentException("offloadThresholdBytes must not be negative, was "
                    + offloadThresholdBytes);
        }
        this.clock = Objects.requireNonNull(builder.clock, "clock");
    }

    /**
     * A builder with the documented defaults, reading {@code AWS_LAMBDA_FUNCTION_NAME} and
     * {@code IDEMPOTENCY_RECORD_TTL_SECONDS} from the process environment.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder(Environment.system());
    }

    /**
     * A builder with the documented defaults, reading settings from {@code environment} instead of the process
     * environment (for tests and local runners).
     *
     * @param environment variable names to values
     * @return a new builder
     */
    public static Builder builder(Map<String, String> environment) {
        return new Builder(Environment.of(environment));
    }

    /**
     * The scope of every record id.
     *
     * @return 1-140 characters of {@code [A-Za-z0-9._:-]}; by default {@code AWS_LAMBDA_FUNCTION_NAME}
     */
    public String functionName() {
        return functionName;
    }

    /**
     * The optional extra part of the record scope, which lets one function keep several independent key spaces.
     *
     * @return the key space, or {@code null} for none
     */
    public String keySpace() {
        return keySpace;
    }

    /**
     * Where the key is found in the event, tried in order (the first present wins).
     *
     * @return an unmodifiable list; empty means the whole event is the key
     */
    public List<String> keyPaths() {
        return keyPaths;
    }

    /**
     * The part of the event whose hash must match on repeats.
     *
     * @return the path ({@code ""} for the whole event), or {@code null} when payload validation is off
     */
    public String payloadPath() {
        return payloadPath;
    }

    /**
     * What to do with an event that has no key.
     *
     * @return the policy
     */
    public MissingKeyPolicy missingKeyPolicy() {
        return missingKeyPolicy;
    }

    /**
     * How long a completed record replays, measured from its completion (the table's TTL attribute).
     *
     * @return at least {@link #MIN_RECORD_TTL}
     */
    public Duration recordTtl() {
        return recordTtl;
    }

    /**
     * How long a claim is held when there is no Lambda context to derive it from.
     *
     * @return a positive duration (default: Lambda's 15-minute maximum)
     */
    public Duration inProgressLease() {
        return inProgressLease;
    }

    /**
     * The largest accepted canonical key selected by a path (whole-event keys are exempt).
     *
     * @return bytes, positive
     */
    public int maxKeyBytes() {
        return maxKeyBytes;
    }

    /**
     * How many completed records are kept in memory per execution environment.
     *
     * @return 0 when the cache is off
     */
    public int localCacheSize() {
        return localCacheSize;
    }

    /**
     * The serialized size above which results go to the result store, when one is configured.
     *
     * @return bytes, not negative
     */
    public int offloadThresholdBytes() {
        return offloadThresholdBytes;
    }

    /**
     * The time source.
     *
     * @return the clock
     */
    public Clock clock() {
        return clock;
    }

    /**
     * Whether a repeat's payload is compared with the first request's.
     *
     * @return true when payload validation is on
     */
    public boolean validatesPayload() {
        return payloadPath != null;
    }

    /**
     * Two configurations are equal when every setting is.
     *
     * @param other another object
     * @return whether it is an equal configuration
     */
    @Override
    public boolean equals(Object other) {
        return other == this || other instanceof IdempotencyConfig that
                && functionName.equals(that.functionName) && Objects.equals(keySpace, that.keySpace)
                && keyPaths.equals(that.keyPaths) && Objects.equals(payloadPath, that.payloadPath)
                && missingKeyPolicy == that.missingKeyPolicy && recordTtl.equals(that.recordTtl)
                && inProgressLease.equals(that.inProgressLease) && maxKeyBytes == that.maxKeyBytes
                && localCacheSize == that.localCacheSize && offloadThresholdBytes == that.offloadThresholdBytes
                && clock.equals(that.clock);
    }

    @Override
    public int hashCode() {
        return Objects.hash(functionName, keySpace, keyPaths, payloadPath, missingKeyPolicy, recordTtl,
                inProgressLease, maxKeyBytes, localCacheSize, offloadThresholdBytes, clock);
    }

    /**
     * Every setting, by name.
     *
     * @return e.g. {@code IdempotencyConfig[functionName=payments, keySpace=null, keyPaths=[body.orderId], ...]}
     */
    @Override
    public String toString() {
        return "IdempotencyConfig[functionName=" + functionName + ", keySpace=" + keySpace + ", keyPaths=" + keyPaths
                + ", payloadPath=" + payloadPath + ", missingKeyPolicy=" + missingKeyPolicy + ", recordTtl="
                + recordTtl + ", inProgressLease=" + inProgressLease + ", maxKeyBytes=" + maxKeyBytes
                + ", localCacheSize=" + localCacheSize + ", offloadThresholdBytes=" + offloadThresholdBytes
                + ", clock=" + clock + "]";
    }

    private static String requireScopePart(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is required (set it, or AWS_LAMBDA_FUNCTION_NAME when "
                    + "running outside Lambda)");
        }
        if (!SCOPE_PART.matcher(value).matches()) {
            throw new IllegalArgumentException(name + " must be 1-140 characters of [A-Za-z0-9._:-], was \""
                    + value + "\"");
        }
        return value;
    }

    private static Duration requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }

    /** Collects settings; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private String functionName;
        private String defaultFunctionName;
        private String keySpace;
        private List<String> keyPaths = List.of();
        private String payloadPath;
        private MissingKeyPolicy missingKeyPolicy = MissingKeyPolicy.REJECT;
        private Duration recordTtl = DEFAULT_RECORD_TTL;
        private Duration inProgressLease = DEFAULT_IN_PROGRESS_LEASE;
        private int maxKeyBytes = DEFAULT_MAX_KEY_BYTES;
        private int localCacheSize;
        private int offloadThresholdBytes = DEFAULT_OFFLOAD_THRESHOLD_BYTES;
        private Clock clock = Clock.systemUTC();

        private Builder(Environment environment) {
            this.functionName = environment.get(Environment.FUNCTION_NAME);
            String ttl = environment.get(Environment.RECORD_TTL_SECONDS);
            if (ttl != null) {
                try {
                    this.recordTtl = Duration.ofSeconds(Long.parseLong(ttl.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(Environment.RECORD_TTL_SECONDS
                            + " must be a whole number of seconds, was \"" + ttl + "\"", e);
                }
            }
        }

        /**
         * Sets the scope of record ids, so that functions can share one table.
         *
         * @param functionName 1-140 characters of {@code [A-Za-z0-9._:-]}; default {@code AWS_LAMBDA_FUNCTION_NAME}
         * @return this builder
         */
        public Builder functionName(String functionName) {
            this.functionName = functionName;
            return this;
        }

        /**
         * Sets the scope used when neither {@link #functionName(String)} nor {@code AWS_LAMBDA_FUNCTION_NAME} gives
         * one: a handler that runs in Lambda keeps its function's name, and the same code runs in a unit test or a
         * local runner without setting the variable.
         *
         * @param functionName 1-140 characters of {@code [A-Za-z0-9._:-]}, or {@code null} for none (default)
         * @return this builder
         */
        public Builder defaultFunctionName(String functionName) {
            this.defaultFunctionName = functionName;
            return this;
        }

        /**
         * Adds a user-chosen part to the scope of record ids.
         *
         * @param keySpace 1-140 characters of {@code [A-Za-z0-9._:-]}, or {@code null} for none (default)
         * @return this builder
         */
        public Builder keySpace(String keySpace) {
            this.keySpace = keySpace;
            return this;
        }

        /**
         * Takes the key from a path into the event: dot-separated field names with optional {@code [index]}
         * suffixes, e.g. {@code orderId}, {@code detail.order.id}, {@code items[0].sku}. A JSON string met on the
         * way (an API Gateway {@code body}) is parsed as JSON, so {@code body.orderId} works; a {@code body} marked
         * {@code "isBase64Encoded": true} is decoded first, so it works for base64 bodies too. Under
         * {@code headers} and {@code multiValueHeaders} names match case-insensitively.
         *
         * @param path the path; {@code ""} or {@code "$"} selects the whole event
         * @return this builder
         * @throws IllegalArgumentException when the path is malformed
         */
        public Builder keyPath(String path) {
            JsonSelector.parse(path);
            this.keyPaths = List.of(path);
            return this;
        }

        /**
         * Takes the key from an HTTP header, matched case-insensitively, in {@code headers} or (the first value)
         * in {@code multiValueHeaders}, as API Gateway and ALB events carry them.
         *
         * @param headerName e.g. {@code Idempotency-Key}
         * @return this builder
         */
        public Builder keyHeader(String headerName) {
            Objects.requireNonNull(headerName, "headerName");
            if (headerName.isBlank() || headerName.contains(".") || headerName.contains("[")) {
                throw new IllegalArgumentException("headerName must be a plain header name, was \"" + headerName
                        + "\"");
            }
            this.keyPaths = List.of("headers." + headerName, "multiValueHeaders." + headerName + "[0]");
            return this;
        }

        /**
         * Uses the whole event as the key (the default).
         *
         * @return this builder
         */
        public Builder keyWholeEvent() {
            this.keyPaths = List.of();
            return this;
        }

        /**
         * Turns payload validation on for the part of the event at {@code path} (same syntax as
         * {@link #keyPath(String)}; a JSON-string value such as an API Gateway {@code body} is compared as parsed,
         * canonical JSON, and a {@code body} marked {@code "isBase64Encoded": true} as its decoded content, so the
         * plain and base64 forms of one request match).
         *
         * @param path the path; {@code ""} or {@code "$"} validates the whole event
         * @return this builder
         */
        public Builder payloadPath(String path) {
            JsonSelector.parse(path);
            this.payloadPath = path;
            return this;
        }

        /**
         * Turns payload validation on ({@link #payloadPath(String)} with the whole event) or off (the default).
         * The whole event suits direct and SQS-style invocations; for API Gateway events validate {@code body},
         * since request ids and timestamps differ on every retry.
         *
         * @param enabled whether to validate
         * @return this builder
         */
        public Builder validatePayload(boolean enabled) {
            this.payloadPath = enabled ? "" : null;
            return this;
        }

        /**
         * Sets what to do with events that carry no key.
         *
         * @param policy default {@link MissingKeyPolicy#REJECT}
         * @return this builder
         */
        public Builder missingKeyPolicy(MissingKeyPolicy policy) {
            this.missingKeyPolicy = policy;
            return this;
        }

        /**
         * Sets how long a completed record replays, measured from the moment its result is recorded (not from the
         * claim: a handler that runs longer than the TTL still replays for the whole TTL).
         *
         * @param ttl at least {@link #MIN_RECORD_TTL}; default 1 hour, or {@code IDEMPOTENCY_RECORD_TTL_SECONDS}
         * @return this builder
         */
        public Builder recordTtl(Duration ttl) {
            this.recordTtl = ttl;
            return this;
        }

        /**
         * Sets how long a claim is held when no Lambda {@code Context} gives the remaining time (explicit-key
         * operations called without a context, local runs). Inside Lambda the claim lasts exactly as long as the
         * invocation may still run.
         *
         * <p>The default, 15 minutes, is Lambda's maximum timeout: a contextless call inside any function is never
         * taken over while it may still be running. Set a shorter lease only when the operation is known to finish
         * sooner (a crashed caller then blocks its key for less time); set a longer one outside Lambda for
         * operations that can run longer.
         *
         * @param lease positive; default 15 minutes
         * @return this builder
         */
        public Builder inProgressLease(Duration lease) {
            this.inProgressLease = lease;
            return this;
        }

        /**
         * Sets the largest canonical key, in bytes, accepted from a key path or header.
         *
         * @param maxKeyBytes positive; default 1024
         * @return this builder
         */
        public Builder maxKeyBytes(int maxKeyBytes) {
            this.maxKeyBytes = maxKeyBytes;
            return this;
        }

        /**
         * Keeps up to {@code size} completed inline records in memory, so repeats reaching the same execution
         * environment replay with no store request. Entries honour the record expiry.
         *
         * @param size 0 (default) turns the cache off
         * @return this builder
         */
        public Builder localCacheSize(int size) {
            this.localCacheSize = size;
            return this;
        }

        /**
         * Sets the serialized size above which results go to the result store (when one is configured).
         *
         * @param bytes default 8 KiB
         * @return this builder
         */
        public Builder offloadThresholdBytes(int bytes) {
            this.offloadThresholdBytes = bytes;
            return this;
        }

        /**
         * Sets the time source (tests inject a fixed or stepping clock).
         *
         * @param clock default {@link Clock#systemUTC()}
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Validates the settings and freezes them.
         *
         * @return the immutable configuration
         * @throws IllegalArgumentException naming the first invalid setting
         */
        public IdempotencyConfig build() {
            return new IdempotencyConfig(this);
        }
    }
}
