package dev.lambdaidempotency.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free ports on the loopback interface, for the servers the test kit starts. */
final class LoopbackPorts {
    private LoopbackPorts() {
    }

    /**
     * A port that was free a moment ago (a server started on it may still lose a race: callers retry on bind failure).
     *
     * @return the port
     */
    static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port", e);
        }
    }
}
