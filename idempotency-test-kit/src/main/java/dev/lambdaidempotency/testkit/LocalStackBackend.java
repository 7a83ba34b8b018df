package dev.lambdaidempotency.testkit;

import java.net.URI;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.regions.Region;

/**
 * LocalStack, either already running ({@code LOCALSTACK_ENDPOINT}, e.g. {@code http://localhost:4566}) or started
 * with Testcontainers when a Docker engine is available ({@code LOCALSTACK_IMAGE} picks the image).
 */
final class LocalStackBackend implements AutoCloseable {
    static final String ENDPOINT_VARIABLE = "LOCALSTACK_ENDPOINT";
    static final String IMAGE_VARIABLE = "LOCALSTACK_IMAGE";
    static final String DEFAULT_IMAGE = "localstack/localstack:3.8";

    private final AwsEndpoint endpoint;
    private final LocalStackContainer container;

    private LocalStackBackend(AwsEndpoint endpoint, LocalStackContainer container) {
        this.endpoint = endpoint;
        this.container = container;
    }

    /**
     * Why LocalStack cannot be used here, or {@code null} when it can.
     *
     * @param environment the process environment
     * @return a reason to skip, or {@code null}
     */
    static String unavailableReason(Map<String, String> environment) {
        if (environment.get(ENDPOINT_VARIABLE) != null) {
            return null;
        }
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            docker = false;
        }
        return docker ? null : "LocalStack is not available: no Docker engine was found and " + ENDPOINT_VARIABLE
                + " is not set (set it to a running LocalStack, e.g. http://localhost:4566)";
    }

    static LocalStackBackend start(Map<String, String> environment) {
        String url = environment.get(ENDPOINT_VARIABLE);
        if (url != null) {
            return new LocalStackBackend(new AwsEndpoint(URI.create(url), Region.US_EAST_1, "test", "test"), null);
        }
        String image = environment.getOrDefault(IMAGE_VARIABLE, DEFAULT_IMAGE);
        LocalStackContainer container = new LocalStackContainer(DockerImageName.parse(image)
                .asCompatibleSubstituteFor("localstack/localstack")).withServices("dynamodb", "s3");
        container.start();
        return new LocalStackBackend(new AwsEndpoint(container.getEndpoint(), Region.of(container.getRegion()),
                container.getAccessKey(), container.getSecretKey()), container);
    }

    AwsEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        if (container != null) {
            container.stop();
        }
    }
}
