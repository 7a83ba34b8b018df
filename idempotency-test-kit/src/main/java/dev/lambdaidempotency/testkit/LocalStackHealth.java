package dev.lambdaidempotency.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;

/** One look at LocalStack's {@code /_localstack/health}, reduced to what a one-line message needs. */
final class LocalStackHealth {
    static final Duration TIMEOUT = Duration.ofSeconds(3);

    private LocalStackHealth() {
    }

    /**
     * What is wrong with LocalStack at an endpoint.
     *
     * @param endpoint e.g. {@code http://127.0.0.1:4566}
     * @return {@code null} when the health check answers 200, else a short phrase such as "connection refused"
     */
    static String problem(URI endpoint) {
        return problem(endpoint, TIMEOUT);
    }

    static String problem(URI endpoint, Duration timeout) {
        String base = endpoint.toString().replaceAll("/+$", "");
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) URI.create(base + "/_localstack/health").toURL()
                    .openConnection(Proxy.NO_PROXY);
            connection.setConnectTimeout((int) timeout.toMillis());
            connection.setReadTimeout((int) timeout.toMillis());
            int status = connection.getResponseCode();
            if (status != HttpURLConnection.HTTP_OK) {
                return "HTTP " + status + " on /_localstack/health: is it LocalStack?";
            }
            try (InputStream body = connection.getInputStream()) {
                body.readAllBytes();
            }
            return null;
        } catch (ConnectException e) {
            return e.getMessage() == null ? "connection refused" : e.getMessage().toLowerCase(Locale.ROOT);
        } catch (SocketTimeoutException e) {
            long millis = timeout.toMillis();
            return "no answer within " + (millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms");
        } catch (UnknownHostException e) {
            return "unknown host " + endpoint.getHost();
        } catch (IOException | IllegalArgumentException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }
}
