package dev.lambdaidempotency.testkit;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.regions.Region;

/**
 * LocalStack, either already running (a {@link LocalStackSource.Endpoint}) or started with Testcontainers (a
 * {@link LocalStackSource.Docker}).
 */
final class LocalStackBackend implements AutoCloseable {
    private final AwsEndpoint endpoint;
    private final LocalStackContainer container;

    private LocalStackBackend(AwsEndpoint endpoint, LocalStackContainer container) {
        this.endpoint = endpoint;
        this.container = container;
    }

    /**
     * Whether Testcontainers finds a Docker engine.
     *
     * @return {@code true} when it does
     */
    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    static LocalStackBackend start(LocalStackSource source) {
        if (source instanceof LocalStackSource.Endpoint running) {
            return new LocalStackBackend(new AwsEndpoint(running.uri(), Region.US_EAST_1, "test", "test"), null);
        }
        if (source instanceof LocalStackSource.Docker docker) {
            LocalStackContainer container = new LocalStackContainer(DockerImageName.parse(docker.image())
                    .asCompatibleSubstituteFor("localstack/localstack")).withServices("dynamodb", "s3");
            container.start();
            return new LocalStackBackend(new AwsEndpoint(container.getEndpoint(), Region.of(container.getRegion()),
                    container.getAccessKey(), container.getSecretKey()), container);
        }
        throw new IllegalStateException("LocalStack is not available: " + source);
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
