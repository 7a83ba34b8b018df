package dev.lambdaidempotency.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.IdempotencyStoreException;
import dev.lambdaidempotency.s3.S3ResultStore;
import dev.lambdaidempotency.spi.ResultPointer;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.testkit.RequestCounter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** {@link S3ResultStore} against a real S3 server (S3Proxy in this JVM). */
class S3ResultStoreIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    private static final String RECORD = "receipts#" + "ab".repeat(32);

    private final RequestCounter counter = new RequestCounter();
    private final FaultInterceptor faults = new FaultInterceptor();
    private S3Client client;
    private S3Client direct;
    private String bucket;

    @BeforeEach
    void setUp() {
        client = aws.s3Client(counter, faults);
        direct = aws.s3Client();
        bucket = aws.newBucket(direct);
    }

    @Test
    void aReceiptSizedResultRoundTripsCompressedEncryptedAndChecksummed() throws Exception {
        S3ResultStore store = S3ResultStore.builder().client(client).bucket(bucket).build();
        byte[] json = Payloads.report(40 * 1024, 1);

        ResultPointer pointer = store.put(RECORD, new ByteArrayInputStream(json), json.length);

        assertEquals(bucket, pointer.bucket());
        assertTrue(pointer.key().matches("idempotency-results/receipts/" + "ab".repeat(32)
                + "-[0-9a-f]{16}\\.json\\.gz"), pointer.key());
        assertEquals("application/json", pointer.contentType());
        assertEquals("gzip", pointer.contentEncoding());
        byte[] stored = direct.getObjectAsBytes(b -> b.bucket(bucket).key(pointer.key())).asByteArray();
        assertEquals(stored.length, pointer.size());
        assertEquals(sha256(stored), pointer.sha256(), "the pointer carries the SHA-256 of the stored bytes");
        assertArrayEquals(json, gunzip(stored));
        assertTrue(pointer.size() < json.length / 3, "JSON compresses: " + pointer.size() + " of " + json.length);

        HeadObjectResponse head = direct.headObject(b -> b.bucket(bucket).key(pointer.key()));
        assertEquals("application/json", head.contentType());
        assertEquals("gzip", head.contentEncoding());
        assertEquals(Long.toString(json.length), head.metadata().get("decoded-length"));
        var put = faults.lastHttpRequest("PutObject");
        assertEquals(List.of("AES256"), put.headers().get("x-amz-server-side-encryption"),
                "SSE-S3 is requested on every object by default");
        assertEquals(List.of(base64Sha256(stored)), put.headers().get("x-amz-checksum-sha256"),
                "S3 verifies our SHA-256 on upload");

        counter.reset();
        assertArrayEquals(json, store.get(RECORD, pointer));
        assertEquals(Map.of("S3.GetObject", 1L), counter.snapshot());
    }

    @Test
    void uncompressedResultsStreamFromTheCallersStream() {
        S3ResultStore store = S3ResultStore.builder().client(client).bucket(bucket).compression(false).build();
        byte[] json = Payloads.report(50 * 1024, 2);

        ResultPointer pointer = store.put(RECORD, new ByteArrayInputStream(json), json.length);

        assertEquals("identity", pointer.contentEncoding());
        assertTrue(pointer.key().endsWith(".json"), pointer.key());
        assertEquals(json.length, pointer.size());
        assertEquals(sha256(json), pointer.sha256());
        assertNull(direct.headObject(b -> b.bucket(bucket).key(pointer.key())).contentEncoding());
        assertArrayEquals(json, store.get(RECORD, pointer));
        InputStream notMarkable = new java.io.FilterInputStream(new ByteArrayInputStream(json)) {
            @Override
            public boolean markSupported() {
                return false;
            }
        };
        assertArrayEquals(json, store.get(RECORD, store.put(RECORD, notMarkable, json.length)));
    }

    @Test
    void aFiveMegabyteReportRoundTripsAndCompressionIsMeasured() {
        byte[] json = Payloads.report(5 * 1024 * 1024, 3);
        S3ResultStore gzip = S3ResultStore.builder().client(client).bucket(bucket).build();
        S3ResultStore identity = S3ResultStore.builder().client(client).bucket(bucket).compression(false).build();
        gzip.get(RECORD, gzip.put(RECORD, new ByteArrayInputStream(json), json.length)); // warm up
        identity.get(RECORD, identity.put(RECORD, new ByteArrayInputStream(json), json.length));

        long t0 = System.nanoTime();
        ResultPointer compressed = gzip.put(RECORD, new ByteArrayInputStream(json), json.length);
        long t1 = System.nanoTime();
        byte[] back = gzip.get(RECORD, compressed);
        long t2 = System.nanoTime();
        ResultPointer plain = identity.put(RECORD, new ByteArrayInputStream(json), json.length);
        long t3 = System.nanoTime();
        byte[] plainBack = identity.get(RECORD, plain);
        long t4 = System.nanoTime();

        assertArrayEquals(json, back);
        assertArrayEquals(json, plainBack);
        assertTrue(compressed.size() < json.length / 3, "ratio " + json.length / (double) compressed.size());
        System.out.printf("[gzip] %d-byte JSON report -> %d bytes stored (%.2fx, %.1f%%); put %.1f ms, get %.1f ms; "
                + "uncompressed put %.1f ms, get %.1f ms (S3Proxy on loopback)%n", json.length, compressed.size(),
                json.length / (double) compressed.size(), 100.0 * compressed.size() / json.length, (t1 - t0) / 1e6,
                (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t4 - t3) / 1e6);
    }

    @Test
    void sseKmsIsRequestedWithABucketKey() {
        S3ResultStore store = S3ResultStore.builder().client(client).bucket(bucket)
                .sseKmsKeyId("alias/idempotency").build();
        byte[] json = Payloads.report(40 * 1024, 4);
        try {
            store.put(RECORD, new ByteArrayInputStream(json), json.length);
        } catch (IdempotencyStoreException notSupportedByTheLocalServer) {
            // S3Proxy has no KMS; what matters here is the request we sent
        }
        var put = faults.lastHttpRequest("PutObject");
        assertEquals(List.of("aws:kms"), put.headers().get("x-amz-server-side-encryption"));
        assertEquals(List.of("alias/idempotency"), put.headers().get("x-amz-server-side-encryption-aws-kms-key-id"));
        assertEquals(List.of("true"), put.headers().get("x-amz-server-side-encryption-bucket-key-enabled"));
    }

    @Test
    void aMissingObjectIsAnUnavailableResultNamingTheRecord() {
        S3ResultStore store = S3ResultStore.builder().client(client).bucket(bucket).build();
        ResultPointer pointer = putReceipt(store);
        direct.deleteObject(b -> b.bucket(bucket).key(pointer.key()));

        IdempotencyResultUnavailableException e = assertThrows(IdempotencyResultUnavailableException.class,
                () -> store.get(RECORD, pointer));
        assertEquals(RECORD, e.recordId());
        assertTrue(e.getMessage().contains(RECORD) && e.getMessage().contains("NoSuchKey"), e.getMessage());
        assertFalse(e.isRetryable());
    }

    @Test
    void aReplacedObjectOfTheSameSizeFailsItsChecksum() {
        S3ResultStore store = S3ResultStore.builder().client(client).bucket(bucket).build();
        ResultPointer pointer = putReceipt(store);
        byte[] stored = direct.getObjectAsBytes(b -> b.bucket(bucket).key(pointer.key())).asByteArray();
        stored[stored.length / 2] ^= 0x5a;
        direct.putObject(b -> b.bucket(bucket).key(pointer.key()), RequestBody.fromBytes(stored));

        IdempotencyResultUnavailableException e = assertThrows(IdempotencyResultUnavailableException.class,
                () -> store.get(RECORD, pointer));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void aTruncatedOrDifferentObjectIsUnavailable() {
        S3ResultStore store = S3ResultStore.builder().client(client).bucket(bucket).build();
        ResultPointer pointer = putReceipt(store);
        direct.putObject(b -> b.bucket(bucket).key(pointer.key()), RequestBody.fromBytes(gzip("{\"other\":1}")));

        IdempotencyResultUnavailableException e = assertThrows(IdempotencyResultUnavailableException.class,
                () -> store.get(RECORD, pointer));
        assertTrue(e.getMessage().contains("bytes where " + pointer.size() + " were stored"), e.getMessage());
    }

    @Test
    void anUnreachableS3IsARetryableStoreErrorThatKeepsItsCause() {
        S3ResultStore store = S3ResultStore.builder().client(client).bucket(bucket).build();
        ResultPointer pointer = putReceipt(store);

        faults.arm("GetObject", FaultInterceptor.Phase.BEFORE_SEND);
        IdempotencyStoreException read = assertThrows(IdempotencyStoreException.class,
                () -> store.get(RECORD, pointer));
        assertTrue(read.isRetryable());
        assertInstanceOf(SdkClientException.class, read.getCause());

        faults.arm("PutObject", FaultInterceptor.Phase.BEFORE_SEND);
        byte[] json = Payloads.report(40 * 1024, 5);
        IdempotencyStoreException write = assertThrows(IdempotencyStoreException.class,
                () -> store.put(RECORD, new ByteArrayInputStream(json), json.length));
        assertInstanceOf(SdkClientException.class, write.getCause());
        assertEquals(RECORD, write.recordId());

        faults.disarm();
        assertArrayEquals(Payloads.report(40 * 1024, 1), store.get(RECORD, pointer), "nothing was damaged");
    }

    @Test
    void aStreamShorterThanAnnouncedIsRefusedBeforeAnyUpload() {
        S3ResultStore store = S3ResultStore.builder().client(client).bucket(bucket).build();
        counter.reset();
        assertThrows(IdempotencyStoreException.class,
                () -> store.put(RECORD, new ByteArrayInputStream(new byte[10]), 11));
        assertEquals(0, counter.total());
    }

    @Test
    void bucketAndPathStyleComeFromTheEnvironment() {
        assertThrows(IllegalStateException.class, () -> S3ResultStore.builder(Map.of()).client(client).build());
        // the default client: endpoint, region and credentials from the SDK's system properties, path style from
        // IDEMPOTENCY_S3_PATH_STYLE (S3Proxy only understands path-style requests)
        Map<String, String> properties = Map.of("aws.endpointUrlS3", aws.s3().uri().toString(),
                "aws.region", aws.s3().region().id(), "aws.accessKeyId", aws.s3().accessKey(),
                "aws.secretAccessKey", aws.s3().secretKey());
        properties.forEach(System::setProperty);
        try {
            S3ResultStore store = S3ResultStore.builder(Map.of("IDEMPOTENCY_BUCKET", bucket,
                    "IDEMPOTENCY_S3_PATH_STYLE", "true")).build();
            assertEquals(bucket, store.bucket());
            ResultPointer pointer = putReceipt(store);
            assertArrayEquals(Payloads.report(40 * 1024, 1), store.get(RECORD, pointer));
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }
    }

    private static ResultPointer putReceipt(S3ResultStore store) {
        byte[] json = Payloads.report(40 * 1024, 1);
        return store.put(RECORD, new ByteArrayInputStream(json), json.length);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64Sha256(byte[] bytes) {
        return java.util.Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256(bytes)));
    }

    private static byte[] gunzip(byte[] bytes) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
