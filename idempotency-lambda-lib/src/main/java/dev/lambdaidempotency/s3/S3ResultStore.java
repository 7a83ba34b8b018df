package dev.lambdaidempotency.s3;

import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.IdempotencyStoreException;
import dev.lambdaidempotency.internal.Environment;
import dev.lambdaidempotency.spi.ResultPointer;
import dev.lambdaidempotency.spi.ResultStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

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

    private static final int CHUNK = 64 * 1024;
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    // level 1: on a 5 MB JSON report 4.3x smaller in ~30 ms of one vCPU, where the default level 6 gains 1.2x more
    // ratio (0.2 MB less upload, a few ms) for ~40 ms more CPU, and Lambda often has less than one vCPU
    private static final int COMPRESSION_LEVEL = Deflater.BEST_SPEED;
    /** Bytes deflated to decide whether compression pays. */
    private static final int SAMPLE = 64 * 1024;

    private final S3Client client;
    private final String bucket;
    private final String objectKeyPrefix;
    private final boolean compression;
    private final String sseKmsKeyId;

    private S3ResultStore(Builder builder, S3Client client, String bucket) {
        this.client = client;
        this.bucket = bucket;
        this.objectKeyPrefix = builder.objectKeyPrefix;
        this.compression = builder.compression;
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
        boolean gzip = compression && worthCompressing(json, length);
        Upload upload = gzip ? compress(recordId, json, length) : identity(recordId, json, length);
        String key = ObjectKeys.objectKey(objectKeyPrefix, recordId, upload.sha256Hex, gzip);
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(bucket)
                .key(key)
                .contentLength(upload.size)
                .contentType(CONTENT_TYPE)
                .checksumSHA256(Base64.getEncoder().encodeToString(HexFormat.of().parseHex(upload.sha256Hex)))
                .metadata(Map.of(DECODED_LENGTH_METADATA, Long.toString(length)));
        if (gzip) {
            request.contentEncoding(GZIP);
        }
        if (sseKmsKeyId != null) {
            request.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(sseKmsKeyId).bucketKeyEnabled(true);
        } else {
            request.serverSideEncryption(ServerSideEncryption.AES256);
        }
        try {
            client.putObject(request.build(), RequestBody.fromContentProvider(upload.body::newStream, upload.size,
                    CONTENT_TYPE));
        } catch (SdkException | UncheckedIOException e) {
            throw new IdempotencyStoreException("S3 PutObject of the result of " + recordId + " to s3://" + bucket
                    + "/" + key + " failed: " + e.getMessage(), recordId, isRetryable(e), e);
        }
        return new ResultPointer(bucket, key, upload.size, upload.sha256Hex, CONTENT_TYPE,
                gzip ? GZIP : IDENTITY);
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
        boolean gzip = GZIP.equals(pointer.contentEncoding());
        if (!gzip && !IDENTITY.equals(pointer.contentEncoding())) {
            throw unavailable(recordId, pointer, "has an unknown content encoding \"" + pointer.contentEncoding()
                    + "\"", null);
        }
        if (pointer.size() > MAX_ARRAY) {
            throw unavailable(recordId, pointer, "is larger (" + pointer.size() + " bytes) than one read supports",
                    null);
        }
        ResponseInputStream<GetObjectResponse> in = open(recordId, pointer);
        byte[] stored = readVerified(recordId, pointer, in);
        if (!gzip) {
            return stored;
        }
        return gunzip(recordId, pointer, stored, decodedLengthHint(in.response(), stored.length));
    }

    private ResponseInputStream<GetObjectResponse> open(String recordId, ResultPointer pointer) {
        try {
            return client.getObject(GetObjectRequest.builder().bucket(pointer.bucket()).key(pointer.key()).build());
        } catch (NoSuchKeyException missing) {
            throw unavailable(recordId, pointer, "is missing (NoSuchKey)", missing);
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                throw unavailable(recordId, pointer, "is missing (" + e.awsErrorDetails().errorCode() + ")", e);
            }
            String hint = e.statusCode() == 403 ? " (access denied; note that without s3:ListBucket S3 also "
                    + "answers 403 for a missing object)" : "";
            throw new IdempotencyStoreException("S3 GetObject of the result of " + recordId + " from s3://"
                    + pointer.bucket() + "/" + pointer.key() + " failed: " + e.getMessage() + hint, recordId,
                    isRetryable(e), e);
        } catch (SdkException e) {
            throw new IdempotencyStoreException("S3 GetObject of the result of " + recordId + " from s3://"
                    + pointer.bucket() + "/" + pointer.key() + " failed: " + e.getMessage(), recordId,
                    isRetryable(e), e);
        }
    }

    private static byte[] readVerified(String recordId, ResultPointer pointer,
            ResponseInputStream<GetObjectResponse> in) {
        int size = (int) pointer.size();
        Long announced = in.response().contentLength();
        if (announced != null && announced != size) {
            in.abort();
            throw unavailable(recordId, pointer, "has " + announced + " bytes where " + size + " were stored", null);
        }
        byte[] stored = new byte[size];
        MessageDigest sha = ObjectKeys.sha256();
        try (in) {
            int read = 0;
            while (read < size) {
                int n = in.read(stored, read, Math.min(CHUNK, size - read));
                if (n < 0) {
                    throw unavailable(recordId, pointer, "ended after " + read + " of " + size + " bytes", null);
                }
                sha.update(stored, read, n);
                read += n;
            }
            if (in.read() >= 0) {
                in.abort();
                throw unavailable(recordId, pointer, "is longer than the " + size + " bytes stored", null);
            }
        } catch (IOException | SdkException e) {
            throw new IdempotencyStoreException("reading the result of " + recordId + " from s3://" + pointer.bucket()
                    + "/" + pointer.key() + " failed: " + e.getMessage(), recordId, true, e);
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(pointer.sha256())) {
            throw unavailable(recordId, pointer, "fails its checksum (SHA-256 " + actual + ", recorded "
                    + pointer.sha256() + ")", null);
        }
        return stored;
    }

    private static byte[] gunzip(String recordId, ResultPointer pointer, byte[] stored, long expected) {
        ByteSink decoded = new ByteSink(expected);
        byte[] chunk = new byte[CHUNK];
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(stored), CHUNK)) {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                decoded.write(chunk, 0, n);
            }
        } catch (ZipException | java.io.EOFException e) {
            throw unavailable(recordId, pointer, "is not valid gzip: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading from memory cannot fail", e);
        }
        return decoded.toExactArray();
    }

    private static long decodedLengthHint(GetObjectResponse response, int storedLength) {
        String value = response.hasMetadata() ? response.metadata().get(DECODED_LENGTH_METADATA) : null;
        long fallback = Math.min(MAX_ARRAY, (long) storedLength * 4);
        if (value == null) {
            return fallback;
        }
        try {
            long hint = Long.parseLong(value);
            // a sanity bound: gzip cannot expand by more than ~1032x; never trust metadata for a huge allocation
            return hint >= 0 && hint <= Math.min(MAX_ARRAY, (long) storedLength * 1032 + CHUNK) ? hint : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /**
     * Deflates a sample of the result (the first 64 KiB, at the level used for real) and compresses only when that
     * at least halves it. Typical JSON shrinks 4-10x and deflates fast; high-entropy content (ids, hashes, encoded
     * binary) shrinks little and deflates slowly, so gzip would cost more CPU than it saves in transfer. Streams
     * that cannot be re-read are always compressed.
     */
    static boolean worthCompressing(InputStream json, long length) {
        if (!json.markSupported()) {
            return true;
        }
        byte[] sample = new byte[(int) Math.min(length, SAMPLE)];
        try {
            json.mark(sample.length);
            int read = json.readNBytes(sample, 0, sample.length);
            json.reset();
            Deflater deflater = new Deflater(COMPRESSION_LEVEL, true);
            try {
                deflater.setInput(sample, 0, read);
                deflater.finish();
                byte[] out = new byte[CHUNK];
                long compressed = 0;
                while (!deflater.finished()) {
                    compressed += deflater.deflate(out);
                    if (compressed * 2 > read) {
                        return false;
                    }
                }
                return true;
            } finally {
                deflater.end();
            }
        } catch (IOException e) {
            return true; // the real read reports the failure
        }
    }

    private Upload compress(String recordId, InputStream json, long length) {
        // JSON shrinks 4-10x at level 1, so a quarter of the input rarely grows; deflate's worst case (incompressible
        // input) is about 0.1% larger than the input, which caps the growth
        ByteSink compressed = new ByteSink(Math.max(1024, length / 4), length + length / 1000 + 1024);
        long read = 0;
        byte[] chunk = new byte[CHUNK];
        try (GZIPOutputStream gzip = new LeveledGzipOutputStream(compressed, CHUNK, COMPRESSION_LEVEL)) {
            int n;
            while ((n = json.read(chunk)) >= 0) {
                gzip.write(chunk, 0, n);
                read += n;
            }
        } catch (IOException e) {
            throw new IdempotencyStoreException("reading the result of " + recordId + " failed: " + e.getMessage(),
                    recordId, false, e);
        }
        requireLength(recordId, length, read);
        MessageDigest sha = ObjectKeys.sha256();
        sha.update(compressed.array(), 0, compressed.size());
        return new Upload(compressed::newStream, compressed.size(), HexFormat.of().formatHex(sha.digest()));
    }

    private Upload identity(String recordId, InputStream json, long length) {
        MessageDigest sha = ObjectKeys.sha256();
        if (!json.markSupported()) {
            // cannot replay the stream for SDK retries: buffer it (one copy)
            ByteSink copy = new ByteSink(length);
            long read = copy(recordId, json, copy, sha);
            requireLength(recordId, length, read);
            return new Upload(copy::newStream, copy.size(), HexFormat.of().formatHex(sha.digest()));
        }
        json.mark(Integer.MAX_VALUE);
        long read = copy(recordId, json, null, sha);
        requireLength(recordId, length, read);
        return new Upload(() -> {
            try {
                json.reset();
            } catch (IOException e) {
                throw new UncheckedIOException("the result stream cannot be re-read", e);
            }
            return new FilterInputStream(json) {
                @Override
                public void close() {
                    // the caller owns the stream; the SDK may close each attempt's view
                }
            };
        }, length, HexFormat.of().formatHex(sha.digest()));
    }

    private static long copy(String recordId, InputStream in, ByteSink out, MessageDigest sha) {
        byte[] chunk = new byte[CHUNK];
        long read = 0;
        try {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                sha.update(chunk, 0, n);
                if (out != null) {
                    out.write(chunk, 0, n);
                }
                read += n;
            }
        } catch (IOException e) {
            throw new IdempotencyStoreException("reading the result of " + recordId + " failed: " + e.getMessage(),
                    recordId, false, e);
        }
        return read;
    }

    private static void requireLength(String recordId, long expected, long read) {
        if (read != expected) {
            throw new IdempotencyStoreException("the result of " + recordId + " was announced as " + expected
                    + " bytes but the stream yielded " + read, recordId, false, null);
        }
    }

    private static IdempotencyResultUnavailableException unavailable(String recordId, ResultPointer pointer,
            String problem, Throwable cause) {
        return new IdempotencyResultUnavailableException("the operation for " + recordId + " already completed and "
                + "is not run again, but its stored result s3://" + pointer.bucket() + "/" + pointer.key() + " "
                + problem, recordId, cause);
    }

    private static boolean isRetryable(RuntimeException e) {
        if (e instanceof AwsServiceException service) {
            return service.retryable() || service.isThrottlingException() || service.statusCode() >= 500;
        }
        return true; // client-side: I/O, time-outs, connection failures
    }

    @Override
    public String toString() {
        return "S3ResultStore[s3://" + bucket + "/" + objectKeyPrefix + ", " + (compression ? GZIP : IDENTITY) + ", "
                + (sseKmsKeyId != null ? "SSE-KMS" : "SSE-S3") + "]";
    }

    /** Where the upload's bytes come from: a provider of fresh streams, so that the SDK can retry. */
    private record Upload(software.amazon.awssdk.http.ContentStreamProvider body, long size, String sha256Hex) {
    }

    /** {@link GZIPOutputStream} at a chosen compression level. */
    private static final class LeveledGzipOutputStream extends GZIPOutputStream {
        LeveledGzipOutputStream(java.io.OutputStream out, int size, int level) throws IOException {
            super(out, size);
            def.setLevel(level);
        }
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
