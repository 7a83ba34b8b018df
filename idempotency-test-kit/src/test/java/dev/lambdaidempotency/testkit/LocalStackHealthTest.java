package dev.lambdaidempotency.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LocalStackHealthTest {
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI serve(String path, int status, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals(path) ? status : 404,
                    bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Test
    void aClosedPortIsConnectionRefused() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        assertEquals("connection refused", LocalStackHealth.problem(URI.create("http://127.0.0.1:" + port)));
    }

    @Test
    void aHealthAnswerIsNoProblem() throws IOException {
        URI endpoint = serve("/_localstack/health", 200, "{\"services\": {\"dynamodb\": \"running\"}}");

        assertNull(LocalStackHealth.problem(endpoint));
        assertNull(LocalStackHealth.problem(URI.create(endpoint + "/")), "a trailing slash is fine");
    }

    @Test
    void anotherServerOnThePortIsNamedAsSuch() throws IOException {
        URI endpoint = serve("/somewhere-else", 200, "{}");

        assertEquals("HTTP 404 on /_localstack/health: is it LocalStack?", LocalStackHealth.problem(endpoint));
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            URI endpoint = URI.create("http://127.0.0.1:" + silent.getLocalPort());

            assertEquals("no answer within 200 ms", LocalStackHealth.problem(endpoint, Duration.ofMillis(200)));
        }
    }
}
