package dev.lambdaidempotency.localrunner.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A UDP socket on 127.0.0.1 in place of the X-Ray daemon: receives what the recorder sends (each datagram is the
 * header {@value #HEADER} and a newline, then one segment or subsegment document) and keeps the documents by trace id
 * until they are {@linkplain #take taken}. Datagrams that are not in that format are counted, not kept. Thread-safe.
 */
final class XRayDaemon implements AutoCloseable {
    static final String HEADER = "{\"format\": \"json\", \"version\": 1}";
    private static final int MAX_DATAGRAM = 65_535;

    private final DatagramSocket socket;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, List<JsonNode>> documentsByTrace = new HashMap<>();
    private final Thread receiver;
    private int rejected;

    private XRayDaemon(DatagramSocket socket) {
        this.socket = socket;
        this.receiver = new Thread(this::receive, "x-ray-daemon-127.0.0.1:" + socket.getLocalPort());
        receiver.setDaemon(true);
        receiver.start();
    }

    /** Binds a free port on loopback and starts receiving. */
    static XRayDaemon bind() {
        try {
            DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            // a burst of concurrent invocations must not overflow the kernel's buffer while we parse
            socket.setReceiveBufferSize(4 << 20);
            return new XRayDaemon(socket);
        } catch (SocketException e) {
            throw new UncheckedIOException("cannot bind a UDP socket on loopback for X-Ray", e);
        }
    }

    /** The address for {@code AWS_XRAY_DAEMON_ADDRESS} and its system property, {@code 127.0.0.1:PORT}. */
    String address() {
        return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    /**
     * Waits until the document with id {@code id} of trace {@code traceId} has arrived (top level, not in progress),
     * then removes and returns every document of that trace received so far.
     *
     * @param timeout how long to wait at most
     * @return the trace's documents, empty if {@code id} did not arrive in time (what did arrive stays)
     */
    synchronized Optional<List<JsonNode>> take(String traceId, String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!arrived(traceId, id)) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || socket.isClosed()) {
                return Optional.empty();
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.of(documentsByTrace.remove(traceId));
    }

    /**
     * Removes and returns whatever arrived for a trace (after {@link #take} gave up).
     *
     * @param traceId the trace id
     * @return the documents, possibly none
     */
    synchronized List<JsonNode> drain(String traceId) {
        List<JsonNode> documents = documentsByTrace.remove(traceId);
        return documents == null ? List.of() : documents;
    }

    /** Datagrams received that were not a header and one JSON document with a trace id. */
    synchronized int rejected() {
        return rejected;
    }

    private boolean arrived(String traceId, String id) {
        for (JsonNode document : documentsByTrace.getOrDefault(traceId, List.of())) {
            if (id.equals(document.path("id").asText()) && !document.path("in_progress").asBoolean()) {
                return true;
            }
        }
        return false;
    }

    private void receive() {
        byte[] buffer = new byte[MAX_DATAGRAM];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (IOException closed) {
                break;
            }
            accept(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
        }
        synchronized (this) {
            notifyAll();
        }
    }

    /** Parses one datagram; visible for the tests of the format. */
    synchronized void accept(String datagram) {
        int newline = datagram.indexOf('\n');
        JsonNode document = null;
        if (newline > 0 && datagram.substring(0, newline).equals(HEADER)) {
            try {
                document = json.readTree(datagram.substring(newline + 1));
            } catch (IOException e) {
                document = null;
            }
        }
        if (document == null || !document.path("trace_id").isTextual() || !document.path("id").isTextual()) {
            rejected++;
            return;
        }
        documentsByTrace.computeIfAbsent(document.get("trace_id").asText(), t -> new ArrayList<>()).add(document);
        notifyAll();
    }

    @Override
    public void close() {
        socket.close();
        try {
            receiver.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
