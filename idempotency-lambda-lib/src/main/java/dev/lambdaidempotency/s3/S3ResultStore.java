package dev.lambdaidempotency.s3;

import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.IdempotencyStoreException;
import dev.lambdaidempotency.internal.Environment;
import dev.lambdaidempotency.spi.ResultPointer;
import dev.lambdaidempotency.spi.ResultStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Offloaded results in S3: one object per completed record, written before the record that points at it.
 *
 * <pre>{@code
 * ResultStore results = S3ResultStore.builder()
 *     .client(S3ResultStore.defaultClient())     // or your own S3Client
 *     .bucket("my-idempotency-results")          // default: IDEMPOTENCY_BUCKET
 *     .build();                                  // gzip when it pays, SSE-S3 (AES256) unless sseKmsKeyId(...)
 * Idempotency idempotency = Idempotency.builder().store(store).resultStore(results).build();
 * }</pre>
 *
 * <p><b>Objects.</b> The key is derived from the hashed record id and the checksum of the stored bytes only (see
 * {@code idempotency-results/<function>/<key hash>-<content hash>.json.gz}); it never contains a raw key or payload.
 * Objects carry {@code Content-Type: application/json}, {@code Content-Encoding: gzip} when compressed, server-side
 * encryption (SSE-S3 by default, SSE-KMS with an S3 Bucket Key when a KMS key is set) and the SHA-256 checksum, which
 * S3 verifies on upload. Give the bucket a lifecycle rule that expires objects some time after the record TTL: an
 * object whose record write failed, or whose record expired, is never read again.
 *
 * <p><b>Integrity.</b> {@link #get} reads exactly {@link ResultPointer#size()} bytes while hashing them and only
 * decodes bytes whose SHA-256 matches the pointer, so a missing, truncated, replaced or corrupted object yields
 * {@link IdempotencyResultUnavailableException} (the operation is never run again because its result is gone), while
 * an unreachable S3 yields a retryable {@link IdempotencyStoreException}.
 *
 * <p><b>Memory.</b> Compression reads the caller's bytes in 64 KiB chunks into one growable buffer of compressed
 * bytes, which the upload streams from without copying; uncompressed uploads stream straight from the caller's stream
 * when it supports {@code mark/reset}. A read holds the stored bytes and the decoded bytes (presized from the
 * object's {@code decoded-length} metadata). So at most about two copies of a result are alive at once.
 *
 * <p>IAM: {@code s3:PutObject} and {@code s3:GetObject} on the prefix, {@code s3:ListBucket} on the bucket (without
 * it S3 answers a missing object with 403 instead of 404, which reads as a store failure, not as a lost result), and
 * {@code kms:GenerateDataKey}/{@code kms:Decrypt} on the key when SSE-KMS is used. This class is immutable and
 * thread-safe.
 */
public final class S3ResultStore implements ResultStore {
    /** Default {@link Builder#objectKeyPrefix(String)}. */
    public static final String DEFAULT_OBJECT_KEY_PREFIX = "idempotency-results/";
    /** The media type of every stored result (before content encoding). */
    public static final String CONTENT_TYPE = "application/json";
    /** {@link ResultPointer#contentEncoding()} of compressed objects. */
    public static final String GZIP = "gzip";
    /** {@link ResultPointer#contentEncoding()} of uncompressed objects. */
    public static final String IDENTITY = "identity";
    /** User metadata (x-amz-meta-) holding the decoded length, used to size the read buffer. */
    static final String DECODED_LENGTH_METADATA = "decoded-length";

    private final S3Client client;
    private final String bucket;
    private final String objectKeyPrefix;
    private final ObjectEncoder encoder;
    private final String sseKmsKeyId;

    private S3ResultStore(Builder builder, S3Client client, String bucket) {
        this.client = client;
        this.bucket = bucket;
        this.objectKeyPrefix = builder.objectKeyPrefix;
        this.encoder = new ObjectEncoder(builder.compression);
        this.sseKmsKeyId = builder.sseKmsKeyId;
    }

    /**
     * Starts a builder that reads {@code IDEMPOTENCY_BUCKET} (default bucket) and
     * {@code IDEMPOTENCY_S3_PATH_STYLE} (for the default client) from the process environment.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder(Environment.system());
    }

    /**
     * Starts a builder that reads its defaults from {@code environment} instead of the process environment (for
     * tests and local runners).
     *
     * @param environment variable names to values
     * @return a new builder
     */
    public static Builder builder(Map<String, String> environment) {
        return new Builder(Environment.of(environment));
    }

    /**
     * An S3 client configured from the process environment: region, credentials and endpoint as the SDK's default
     * builder finds them ({@code AWS_REGION}, the default credentials chain, {@code AWS_ENDPOINT_URL_S3}), plus the
     * library's settings for S3-compatible servers such as MinIO, S3Proxy or LocalStack: path-style addressing when
     * {@code IDEMPOTENCY_S3_PATH_STYLE} is true, uploads without {@code Expect: 100-continue} when
     * {@code IDEMPOTENCY_S3_EXPECT_CONTINUE} is false. Build it once, at init time; the caller owns and closes it.
     *
     * @return a new client
     */
    public static S3Client defaultClient() {
        return configured(S3Client.builder(), Environment.system()).build();
    }

    /**
     * A presigner configured from the process environment like {@link #defaultClient()}: region, credentials and
     * endpoint ({@code AWS_ENDPOINT_URL_S3}) as the SDK's default chains find them, and path-style URLs when
     * {@code IDEMPOTENCY_S3_PATH_STYLE} is true, so that links signed for an S3-compatible server (S3Proxy, MinIO,
     * LocalStack) address it the way the client does ({@code S3Presigner.create()} would sign virtual-hosted URLs such
     * servers do not answer). Build it once, at init time; the caller owns and closes it.
     *
     * @return a new presigner
     */
    public static S3Presigner defaultPresigner() {
        return configured(S3Presigner.builder(), Environment.system()).build();
    }

    /** Applies the environment's S3 settings that shape a presigned URL to {@code builder}. */
    static S3Presigner.Builder configured(S3Presigner.Builder builder, Environment environment) {
        return builder.serviceConfiguration(S3Configuration.builder()
                .pathStyleAccessEnabled(environment.flag(Environment.S3_PATH_STYLE, false)).build());
    }

    /** Applies the environment's S3 settings to {@code builder}, keeping its own override configuration. */
    static S3ClientBuilder configured(S3ClientBuilder builder, Environment environment) {
        builder.forcePathStyle(environment.flag(Environment.S3_PATH_STYLE, false));
        if (!environment.flag(Environment.S3_EXPECT_CONTINUE, true)) {
            ClientOverrideConfiguration own = builder.overrideConfiguration();
            builder.overrideConfiguration((own != null ? own.toBuilder() : ClientOverrideConfiguration.builder())
                    .addExecutionInterceptor(new ExpectContinueRemover()).build());
        }
        return builder;
    }

    /**
     * The bucket results are written to.
     *
     * @return the bucket name
     */
    public String bucket() {
        return bucket;
    }

    /**
     * Compresses (when enabled), hashes and uploads the result in one {@code PutObject}.
     *
     * @throws IdempotencyStoreException when the stream does not yield {@code length} bytes or S3 refuses or cannot
     *                                   be reached (the cause is kept; retryable for throttling, 5xx and I/O)
     */
    @Override
    public ResultPointer put(String recordId, InputStream json, long length) {
        Objects.requireNonNull(recordId, "recordId");
        Objects.requireNonNull(json, "json");
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative, was " + length);
        }
        ObjectEncoder.EncodedObject encoded = encoder.encode(recordId, json, length);
        String key = ObjectKeys.objectKey(objectKeyPrefix, recordId, encoded.sha256Hex(), encoded.gzip());
        try {
            client.putObject(putRequest(key, encoded, length), RequestBody.fromContentProvider(encoded.body(),
                    encoded.size(), CONTENT_TYPE));
        } catch (SdkException | UncheckedIOException e) {
            throw S3Failures.putFailed(recordId, bucket, key, e);
        }
        return pointer(key, encoded);
    }

    private PutObjectRequest putRequest(String key, ObjectEncoder.EncodedObject encoded, long decodedLength) {
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(bucket)
                .key(key)
                .contentLength(encoded.size())
                .contentType(CONTENT_TYPE)
                .checksumSHA256(Base64.getEncoder().encodeToString(HexFormat.of().parseHex(encoded.sha256Hex())))
                .metadata(Map.of(DECODED_LENGTH_METADATA, Long.toString(decodedLength)));
        if (encoded.gzip()) {
            request.contentEncoding(GZIP);
        }
        if (sseKmsKeyId != null) {
            request.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(sseKmsKeyId).bucketKeyEnabled(true);
        } else {
            request.serverSideEncryption(ServerSideEncryption.AES256);
        }
        return request.build();
    }

    private ResultPointer pointer(String key, ObjectEncoder.EncodedObject encoded) {
        return new ResultPointer(bucket, key, encoded.size(), encoded.sha256Hex(), CONTENT_TYPE,
                encoded.gzip() ? GZIP : IDENTITY);
    }

    /**
     * Downloads the object, verifying its size and SHA-256 while reading, then decodes it.
     *
     * @throws IdempotencyResultUnavailableException when the object is missing, has another size or checksum, or
     *                                               cannot be decoded
     * @throws IdempotencyStoreException             when S3 cannot be reached, refuses access or throttles
     */
    @Override
    public byte[] get(String recordId, ResultPointer pointer) {
        Objects.requireNonNull(recordId, "recordId");
        Objects.requireNonNull(pointer, "pointer");
        ObjectDecoder.requireReadable(recordId, pointer); // before downloading anything
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = client.getObject(GetObjectRequest.builder().bucket(pointer.bucket()).key(pointer.key()).build());
        } catch (SdkException e) {
            throw S3Failures.getFailed(recordId, pointer, e);
        }
        GetObjectResponse response = in.response();
        try {
            return ObjectDecoder.decode(recordId, pointer, in, response.contentLength(),
                    response.hasMetadata() ? response.metadata().get(DECODED_LENGTH_METADATA) : null, in::abort);
        } catch (SdkException e) {
            throw S3Failures.readFailed(recordId, pointer, e);
        }
    }

    /**
     * Encodes a sample result as {@link #put} would (compression decision, gzip, SHA-256, object key, request) and
     * decodes it as {@link #get} would (size and checksum verification, gunzip), without sending anything.
     */
    @Override
    public void prime() {
        String recordId = "prime#" + "0".repeat(64);
        byte[] json = "{\"prime\":\"a compressible sample result\"}".repeat(64).getBytes(StandardCharsets.UTF_8);
        for (ObjectEncoder sampleEncoder : List.of(encoder, new ObjectEncoder(!encoder.compression()))) {
            ObjectEncoder.EncodedObject encoded = sampleEncoder.encode(recordId, new ByteArrayInputStream(json),
                    json.length);
            String key = ObjectKeys.objectKey(objectKeyPrefix, recordId, encoded.sha256Hex(), encoded.gzip());
            putRequest(key, encoded, json.length);
            ResultPointer pointer = pointer(key, encoded);
            GetObjectRequest.builder().bucket(pointer.bucket()).key(pointer.key()).build();
            // decode closes the stream
            ObjectDecoder.decode(recordId, pointer, encoded.body().newStream(), pointer.size(),
                    Long.toString(json.length), () -> { });
        }
    }

    @Override
    public String toString() {
        return "S3ResultStore[s3://" + bucket + "/" + objectKeyPrefix + ", " + (encoder.compression() ? GZIP : IDENTITY)
                + ", " + (sseKmsKeyId != null ? "SSE-KMS" : "SSE-S3") + "]";
    }

    /** Collects the settings of an {@link S3ResultStore}. Not thread-safe. */
    public static final class Builder {
        private final Environment environment;
        private S3Client client;
        private S3ClientBuilder clientBuilder;
        private String bucket;
        private String objectKeyPrefix = DEFAULT_OBJECT_KEY_PREFIX;
        private boolean compression = true;
        private String sseKmsKeyId;

        private Builder(Environment environment) {
            this.environment = environment;
        }

        /**
         * Sets the client (build it once, at init time).
         *
         * @param client default {@link S3ResultStore#defaultClient()}
         * @return this builder
         */
        public Builder client(S3Client client) {
            this.client = Objects.requireNonNull(client, "client");
            this.clientBuilder = null;
            return this;
        }

        /**
         * Builds the client from {@code clientBuilder} after applying the library's environment settings for
         * S3-compatible servers ({@code IDEMPOTENCY_S3_PATH_STYLE}, {@code IDEMPOTENCY_S3_EXPECT_CONTINUE}; see
         * {@link S3ResultStore#defaultClient()}), keeping the builder's own HTTP client and interceptors:
         *
         * <pre>{@code
         * S3ResultStore.builder()
         *     .clientBuilder(S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()))
         *     .build();
         * }</pre>
         *
         * @param clientBuilder a builder this store builds its client from, at {@link #build()}
         * @return this builder
         */
        public Builder clientBuilder(S3ClientBuilder clientBuilder) {
            Objects.requireNonNull(clientBuilder, "clientBuilder");
            this.client = null;
            this.clientBuilder = clientBuilder;
            return this;
        }

        /**
         * Sets the bucket.
         *
         * @param bucket default: the {@code IDEMPOTENCY_BUCKET} environment variable (required if not set here)
         * @return this builder
         */
        public Builder bucket(String bucket) {
            Objects.requireNonNull(bucket, "bucket");
            if (bucket.isBlank() || bucket.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/')) {
                throw new IllegalArgumentException("bucket must be a bucket name, was \"" + bucket + "\"");
            }
            this.bucket = bucket;
            return this;
        }

        /**
         * Sets the prefix of every object key (a lifecycle rule on it should expire old results).
         *
         * @param objectKeyPrefix default {@value S3ResultStore#DEFAULT_OBJECT_KEY_PREFIX}; may be empty; must not
         *                        start with {@code /}
         * @return this builder
         */
        public Builder objectKeyPrefix(String objectKeyPrefix) {
            Objects.requireNonNull(objectKeyPrefix, "objectKeyPrefix");
            if (objectKeyPrefix.startsWith("/") || objectKeyPrefix.length() > 512) {
                throw new IllegalArgumentException("objectKeyPrefix must not start with '/' and must be at most 512 "
                        + "characters, was \"" + objectKeyPrefix + "\"");
            }
            this.objectKeyPrefix = objectKeyPrefix;
            return this;
        }

        /**
         * Sets whether results may be stored gzip-compressed (JSON typically shrinks 4-10x, which cuts S3 transfer
         * time; such objects carry {@code Content-Encoding: gzip}). When on, each result is compressed only if
         * deflating its first 64 KiB at least halves them; high-entropy results are stored as they are.
         *
         * @param compression default {@code true}
         * @return this builder
         */
        public Builder compression(boolean compression) {
            this.compression = compression;
            return this;
        }

        /**
         * Encrypts objects with this KMS key (SSE-KMS, with an S3 Bucket Key to keep KMS requests down) instead of
         * S3-managed keys (SSE-S3, AES256).
         *
         * @param sseKmsKeyId a key id, ARN or alias; {@code null} (default) for SSE-S3
         * @return this builder
         */
        public Builder sseKmsKeyId(String sseKmsKeyId) {
            if (sseKmsKeyId != null && sseKmsKeyId.isBlank()) {
                throw new IllegalArgumentException("sseKmsKeyId must not be blank (use null for SSE-S3)");
            }
            this.sseKmsKeyId = sseKmsKeyId;
            return this;
        }

        /**
         * Builds the store.
         *
         * @return a new, thread-safe store
         * @throws IllegalStateException when no bucket was set and {@code IDEMPOTENCY_BUCKET} is unset
         */
        public S3ResultStore build() {
            String name = bucket;
            if (name == null) {
                name = environment.get(Environment.BUCKET);
                if (name == null) {
                    throw new IllegalStateException("bucket is required: S3ResultStore.builder().bucket(...) or "
                            + "the " + Environment.BUCKET + " environment variable");
                }
                bucket(name);
            }
            S3Client s3 = client != null ? client
                    : configured(clientBuilder != null ? clientBuilder : S3Client.builder(), environment).build();
            return new S3ResultStore(this, s3, name);
        }
    }
}
