package dev.lambdaidempotency.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one Lambda API call the report sample makes, served locally: {@code Invoke} with
 * {@code X-Amz-Invocation-Type: Event} ({@code POST /2015-03-31/functions/{name}/invocations}) answers {@code 202} at
 * once and queues the payload, as Lambda's asynchronous invocation does; queued events are delivered, once the test
 * {@linkplain #release() releases} them, to another execution environment of the function, as Lambda would use
 * another environment while the accepting one answers the next request. Any other call is refused with {@code 400}
 * and recorded, so that a test sees what the function asked for. Functions reach it through
 * {@code AWS_ENDPOINT_URL_LAMBDA}; the signature is not checked.
 */
final class FakeLambdaInvokeApi implements AutoCloseable {
    private static final Pattern INVOKE = Pattern.compile("/2015-03-31/functions/([^/]+)/invocations");

    private final HttpServer server;
    private final LambdaRuntime worker;
    private final ExecutorService deliveries = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "fake-lambda-delivery");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Event> events = new ArrayList<>();
    private final List<String> refused = new ArrayList<>();
    private boolean released;

    /**
     * One asynchronous invocation Lambda accepted.
     *
     * @param functionName the function the caller named (decoded: an ARN or a name)
     * @param payload      the event
     * @param delivery     the worker's answer, once delivered
     */
    record Event(String functionName, String payload, CompletableFuture<LambdaRuntime.Invocation> delivery) {
    }

    private FakeLambdaInvokeApi(HttpServer server, LambdaRuntime worker) {
        this.server = server;
        this.worker = worker;
    }

    /**
     * Starts the endpoint on a free local port.
     *
     * @param worker the execution environment queued events are delivered to
     */
    static FakeLambdaInvokeApi start(LambdaRuntime worker) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        FakeLambdaInvokeApi api = new FakeLambdaInvokeApi(server, worker);
        server.createContext("/", api::handle);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "fake-lambda-api");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
        return api;
    }

    /** The endpoint, for {@code AWS_ENDPOINT_URL_LAMBDA}. */
    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The asynchronous invocations accepted so far, in order. */
    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** The requests that were not an asynchronous Invoke (method, path, invocation type). */
    synchronized List<String> refused() {
        return List.copyOf(refused);
    }

    /** Delivers the queued events to the worker, and every later one as soon as it is accepted. */
    synchronized void release() {
        if (released) {
            return;
        }
        released = true;
        events.forEach(this::deliver);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (InputStream body = exchange.getRequestBody()) {
            String payload = new String(body.readAllBytes(), StandardCharsets.UTF_8);
            Matcher invoke = INVOKE.matcher(exchange.getRequestURI().getPath());
            String type = exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type");
            if (!"POST".equals(exchange.getRequestMethod()) || !invoke.matches() || !"Event".equals(type)) {
                synchronized (this) {
                    refused.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " " + type);
                }
                byte[] error = "{\"Type\":\"User\",\"message\":\"only asynchronous Invoke is served here\"}"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.getResponseHeaders().add("X-Amzn-ErrorType", "InvalidRequestContentException");
                exchange.sendResponseHeaders(400, error.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(error);
                }
                return;
            }
            synchronized (this) {
                Event event = new Event(invoke.group(1), payload, new CompletableFuture<>());
                events.add(event);
                if (released) {
                    deliver(event);
                }
            }
            exchange.sendResponseHeaders(202, -1);
        } finally {
            exchange.close();
        }
    }

    private void deliver(Event event) {
        deliveries.execute(() -> {
            try {
                event.delivery().complete(worker.invoke(event.payload()));
            } catch (RuntimeException e) {
                event.delivery().completeExceptionally(e);
            }
        });
    }

    @Override
    public void close() {
        server.stop(0);
        deliveries.shutdownNow();
    }
}
