package dev.lambdaidempotency.testkit;

import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;
import java.net.URI;
import software.amazon.awssdk.regions.Region;

/**
 * AWS's DynamoDB Local, in memory, in this JVM, on a free port. Thread-safe; close it to stop.
 *
 * <pre>{@code
 * try (DynamoDbLocalServer server = DynamoDbLocalServer.start()) {
 *     DynamoDbClient client = server.endpoint().dynamoDbClient();
 * }
 * }</pre>
 */
public final class DynamoDbLocalServer implements AutoCloseable {
    private static final int ATTEMPTS = 5;

    private final DynamoDBProxyServer server;
    private final AwsEndpoint endpoint;

    private DynamoDbLocalServer(DynamoDBProxyServer server, int port) {
        this.server = server;
        this.endpoint = new AwsEndpoint(URI.create("http://127.0.0.1:" + port), Region.US_EAST_1, "local",
                "local");
    }

    /**
     * Starts a server ({@code -inMemory -sharedDb -disableTelemetry}) on a free port, retrying when another
     * process takes the port first.
     *
     * @return the running server
     * @throws IllegalStateException when no port could be bound
     */
    public static DynamoDbLocalServer start() {
        Exception last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = LoopbackPorts.free();
            try {
                DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(new String[] {
                    "-inMemory", "-sharedDb", "-disableTelemetry", "-port", Integer.toString(port)});
                server.start();
                return new DynamoDbLocalServer(server, port);
            } catch (Exception e) {
                last = e;
            }
        }
        throw new IllegalStateException("could not start DynamoDB Local after " + ATTEMPTS + " attempts", last);
    }

    /**
     * Where the server answers (any credentials are accepted).
     *
     * @return the endpoint
     */
    public AwsEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop DynamoDB Local", e);
        }
    }
}
