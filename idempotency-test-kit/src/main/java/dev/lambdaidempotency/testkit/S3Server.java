package dev.lambdaidempotency.testkit;

import java.net.URI;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.regions.Region;

/**
 * An S3-compatible server (S3Proxy over an in-memory blob store) in this JVM, on a free loopback port, checking
 * real SigV4 signatures. Clients must use path-style addressing. Close it to stop.
 */
public final class S3Server implements AutoCloseable {
    /**
     * The access key the server accepts. Letters and digits only, which DynamoDB Local (2.0+) also requires: one
     * credential pair then serves both embedded servers, as the standard SDK settings of one process give it.
     */
    public static final String ACCESS_KEY = "localAccessKey";
    /** The secret key the server accepts. */
    public static final String SECRET_KEY = "localSecretKey";

    private final S3Proxy proxy;
    private final AwsEndpoint endpoint;

    private S3Server(S3Proxy proxy) {
        this.proxy = proxy;
        this.endpoint = new AwsEndpoint(URI.create("http://127.0.0.1:" + proxy.getPort()), Region.US_EAST_1,
                ACCESS_KEY, SECRET_KEY);
    }

    /**
     * Starts a server and waits until it accepts requests.
     *
     * @return the running server
     * @throws IllegalStateException when it does not start within 30 seconds
     */
    public static S3Server start() {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new TransientNio2BlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .stopTimeout(0)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Proxy did not start within 30 s (state " + proxy.getState()
                            + ")");
                }
                Thread.onSpinWait();
                Thread.yield();
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("could not start S3Proxy", e);
        }
        return new S3Server(proxy);
    }

    /**
     * Where the server answers, with the credentials it accepts.
     *
     * @return the endpoint
     */
    public AwsEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop S3Proxy", e);
        }
    }
}
