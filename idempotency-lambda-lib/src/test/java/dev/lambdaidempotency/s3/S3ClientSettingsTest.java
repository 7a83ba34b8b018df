package dev.lambdaidempotency.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdaidempotency.IdempotencyStoreException;
import dev.lambdaidempotency.internal.Environment;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The environment's S3 settings applied to a caller's client builder: the upload request as it would go on the wire
 * (captured just before transmission, which is then refused, so no server is needed).
 */
class S3ClientSettingsTest {
    private static final byte[] RESULT = "{\"report\":\"x\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void uploadsCarryExpectContinueByDefault() {
        SdkHttpRequest upload = uploadWith(Map.of());
        assertEquals("100-continue", upload.firstMatchingHeader("Expect").orElse(null));
        assertEquals("bucket.s3.eu-west-1.amazonaws.com", upload.host(), "virtual-hosted by default");
    }

    @Test
    void theEnvironmentTurnsExpectContinueOffAndPathStyleOn() {
        SdkHttpRequest upload = uploadWith(Map.of(Environment.S3_EXPECT_CONTINUE, "false",
                Environment.S3_PATH_STYLE, "true"));
        assertFalse(upload.firstMatchingHeader("Expect").isPresent(), upload.headers().toString());
        assertEquals("s3.eu-west-1.amazonaws.com", upload.host());
        assertTrue(upload.encodedPath().startsWith("/bucket/idempotency-results/fn/"), upload.encodedPath());
    }

    private static SdkHttpRequest uploadWith(Map<String, String> environment) {
        List<SdkHttpRequest> sent = new CopyOnWriteArrayList<>();
        ExecutionInterceptor callersOwn = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                sent.add(context.httpRequest());
                throw SdkClientException.create("not sent");
            }
        };
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .overrideConfiguration(o -> o.addExecutionInterceptor(callersOwn).retryStrategy(r -> r.maxAttempts(1)));
        S3ResultStore store = S3ResultStore.builder(environment).clientBuilder(builder).bucket("bucket").build();
        assertThrows(IdempotencyStoreException.class,
                () -> store.put("fn#" + "0".repeat(64), new ByteArrayInputStream(RESULT), RESULT.length));
        assertEquals(1, sent.size(), "the caller's interceptor is kept and the upload tried once");
        return sent.get(0);
    }

    @Test
    void presignedUrlsAreVirtualHostedByDefaultAndPathStyleWhenTheEnvironmentSaysSo() {
        assertEquals("http://bucket.localhost:9000/idempotency-results/fn/x",
                unsignedPart(presignedWith(Map.of())));
        assertEquals("http://localhost:9000/bucket/idempotency-results/fn/x",
                unsignedPart(presignedWith(Map.of(Environment.S3_PATH_STYLE, "true"))),
                "addressed like the store's client, so S3Proxy / MinIO / LocalStack answer the link");
    }

    private static URL presignedWith(Map<String, String> environment) {
        try (S3Presigner presigner = S3ResultStore.configured(S3Presigner.builder(), Environment.of(environment))
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .endpointOverride(URI.create("http://localhost:9000"))
                .build()) {
            return presigner.presignGetObject(r -> r.signatureDuration(Duration.ofMinutes(5))
                    .getObjectRequest(g -> g.bucket("bucket").key("idempotency-results/fn/x"))).url();
        }
    }

    private static String unsignedPart(URL url) {
        String text = url.toString();
        return text.substring(0, text.indexOf('?'));
    }

    @Test
    void aSystemPropertyOverridesTheVariableInTheProcessEnvironment() {
        String name = "IDEMPOTENCY_TEST_ONLY_" + System.nanoTime();
        assertEquals(null, Environment.system().get(name));
        System.setProperty(name, "from-property");
        try {
            assertEquals("from-property", Environment.system().get(name));
        } finally {
            System.clearProperty(name);
        }
    }

}
