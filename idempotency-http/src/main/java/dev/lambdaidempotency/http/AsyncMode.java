package dev.lambdaidempotency.http;

import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The opt-in asynchronous mode of {@link IdempotentHttp}, for work that outlives an API's time-out (a report, an
 * export): the first request with a key claims it, hands the work over ({@link AsyncDispatcher}) and answers
 * {@code 202 Accepted}; repeats with the same key answer {@code 202} until the response is recorded, then replay it.
 *
 * <pre>{@code
 * IdempotentHttp.builder(idempotency)
 *         .async(AsyncMode.builder(LambdaSelfInvokeDispatcher.create(LambdaClient.create()))
 *                 .presigner(S3ResultStore.defaultPresigner())
 *                 .build())
 *         .build()
 *         .restApi(new ReportHandler());
 * }</pre>
 *
 * <p>What a client sees (the fingerprint, the key header and the problem responses are as in the synchronous mode):
 * <ul>
 *   <li>first request: {@code 202}, {@code Location} (the request's own path: the status is read by repeating the
 *       request with the same key), {@code Retry-After}, and {@code {"status":"accepted"}};</li>
 *   <li>a repeat while the work runs: {@code 202} with {@code {"status":"in-progress"}} (not the synchronous mode's
 *       {@code 409});</li>
 *   <li>a repeat once the response is recorded: that response with {@value IdempotentHttp#REPLAYED_HEADER}; a
 *       response larger than {@link Builder#largeResponseThresholdBytes(int)} (Lambda returns at most 6 MB) is
 *       replaced by a {@link #RESULT_LINK_MEDIA_TYPE} body with a short-lived presigned S3 URL of the recorded
 *       response (see the README);</li>
 *   <li>a key reused with another request: {@code 422}, as in the synchronous mode;</li>
 *   <li>when the work fails (an exception, a status that is not recorded) the claim is released, as in the
 *       synchronous mode: the next request with the key claims it and starts the work again.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 *
 * @param dispatcher                  hands the work over
 * @param lease                       how long a claim holds before a request may claim the key again, unless a worker
 *                                    took it up (it then holds until that worker's deadline)
 * @param presigner                   signs result links, or {@code null} (large responses are then a {@code 500}
 *                                    {@link Problem#RESPONSE_UNAVAILABLE})
 * @param presignedUrlTtl             how long a result link is valid
 * @param largeResponseThresholdBytes the largest response, as serialized JSON, that is replayed as itself
 */
public record AsyncMode(AsyncDispatcher dispatcher, Duration lease, S3Presigner presigner, Duration presignedUrlTtl,
        int largeResponseThresholdBytes) {
    /**
     * The request header that marks a handed-over request and carries its claim token; the adapter removes it before
     * the wrapped handler sees the request.
     */
    public static final String CLAIM_HEADER = "Idempotency-Async-Claim";
    /** The media type of a replay that links to the recorded response instead of carrying it. */
    public static final String RESULT_LINK_MEDIA_TYPE = "application/vnd.lambda-idempotency.result-link+json";
    /**
     * The default threshold: 6,000,000 bytes of serialized response, under Lambda's 6 MB (6,291,456 bytes) limit on
     * a synchronous response with room for the response event's other fields.
     */
    public static final int DEFAULT_LARGE_RESPONSE_THRESHOLD_BYTES = 6_000_000;
    /** The default lease: 15 minutes, the template's {@code MaximumEventAgeInSeconds} for the hand-overs. */
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(15);
    /** The default validity of a result link. */
    public static final Duration DEFAULT_PRESIGNED_URL_TTL = Duration.ofMinutes(5);

    /**
     * Validates the settings.
     *
     * @param dispatcher                  see the record description
     * @param lease                       see the record description
     * @param presigner                   see the record description
     * @param presignedUrlTtl             see the record description
     * @param largeResponseThresholdBytes see the record description
     * @throws IllegalArgumentException when a duration or the threshold is not positive
     */
    public AsyncMode {
        Objects.requireNonNull(dispatcher, "dispatcher");
        positive(lease, "lease");
        positive(presignedUrlTtl, "presignedUrlTtl");
        if (largeResponseThresholdBytes <= 0) {
            throw new IllegalArgumentException("largeResponseThresholdBytes must be positive, was "
                    + largeResponseThresholdBytes);
        }
    }

    /**
     * Starts configuring the asynchronous mode.
     *
     * @param dispatcher hands the work of accepted requests over
     * @return a new builder
     */
    public static Builder builder(AsyncDispatcher dispatcher) {
        return new Builder(Objects.requireNonNull(dispatcher, "dispatcher"));
    }

    private static void positive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + duration);
        }
    }

    /** Collects the settings; all but the dispatcher have defaults. Not thread-safe. */
    public static final class Builder {
        private final AsyncDispatcher dispatcher;
        private Duration lease = DEFAULT_LEASE;
        private S3Presigner presigner;
        private Duration presignedUrlTtl = DEFAULT_PRESIGNED_URL_TTL;
        private int largeResponseThresholdBytes = DEFAULT_LARGE_RESPONSE_THRESHOLD_BYTES;

        private Builder(AsyncDispatcher dispatcher) {
            this.dispatcher = dispatcher;
        }

        /**
         * Sets how long the claim of an accepted request holds if no worker takes it up (a hand-over that was lost
         * or is still queued): after it, the next request with the key claims it and dispatches again. A worker that
         * starts renews the claim to its own deadline (never shortening it), so the lease need not cover the
         * worker's time-out: no second worker starts while the first may still run, and a worker whose claim was
         * taken over meanwhile runs nothing. It should cover the hand-over's usual delay, or repeats re-dispatch
         * work that is merely queued (only one of the dispatches runs).
         *
         * @param lease positive; default 15 minutes
         * @return this builder
         */
        public Builder lease(Duration lease) {
            positive(lease, "lease");
            this.lease = lease;
            return this;
        }

        /**
         * Sets the presigner of result links. Without one, a response over the threshold cannot be returned: it is
         * answered {@code 500} {@link Problem#RESPONSE_UNAVAILABLE} (and logged). Configure it like the result
         * store's S3 client (endpoint, path style): {@code S3ResultStore.defaultPresigner()} does so from the
         * environment, as {@code S3ResultStore.defaultClient()} does.
         *
         * @param presigner signs S3 GET requests (its credentials need {@code s3:GetObject} on the result bucket)
         * @return this builder
         */
        public Builder presigner(S3Presigner presigner) {
            this.presigner = Objects.requireNonNull(presigner, "presigner");
            return this;
        }

        /**
         * Sets how long a result link is valid.
         *
         * @param ttl positive; default 5 minutes
         * @return this builder
         */
        public Builder presignedUrlTtl(Duration ttl) {
            positive(ttl, "presignedUrlTtl");
            this.presignedUrlTtl = ttl;
            return this;
        }

        /**
         * Sets the largest replayed response, measured as its serialized JSON (JSON escaping and base64 bodies
         * included), that is returned as itself; a larger one is returned as a link.
         *
         * @param bytes positive; default {@value AsyncMode#DEFAULT_LARGE_RESPONSE_THRESHOLD_BYTES}
         * @return this builder
         */
        public Builder largeResponseThresholdBytes(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("largeResponseThresholdBytes must be positive, was " + bytes);
            }
            this.largeResponseThresholdBytes = bytes;
            return this;
        }

        /**
         * Builds the settings.
         *
         * @return a new, immutable {@link AsyncMode}
         */
        public AsyncMode build() {
            return new AsyncMode(dispatcher, lease, presigner, presignedUrlTtl, largeResponseThresholdBytes);
        }
    }
}
