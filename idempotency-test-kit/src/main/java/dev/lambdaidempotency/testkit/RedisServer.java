package dev.lambdaidempotency.testkit;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} process (for example Debian's {@code redis-server} package) started by a test on a
 * free loopback port, without persistence, in a temporary directory; stopped by {@link #close()}. The binary is
 * {@code REDIS_SERVER} when set, else {@code redis-server} on the {@code PATH}. Where it is missing, {@link #start}
 * skips the calling test with the reason (a JUnit assumption), except under {@code CI=true}, where it fails: a CI
 * build must not pass by skipping the Redis suites.
 *
 * <pre>{@code
 * @EnabledIf("dev.lambdaidempotency.testkit.RedisServer#installed")
 * class MyRedisStoreTest {
 *     static RedisServer server = RedisServer.start();
 *     static RedisClient client = RedisClient.create(server.host(), server.port());
 * }
 * }</pre>
 *
 * <p>This class is thread-safe.
 */
public final class RedisServer implements AutoCloseable {
    private static final long START_SECONDS = 20;

    private final Process process;
    private final Path directory;
    private final int port;

    private RedisServer(Process process, Path directory, int port) {
        this.process = process;
        this.directory = directory;
        this.port = port;
    }

    /**
     * Starts a server and waits until it accepts connections, or skips the calling test when
     * {@code redis-server} is not installed.
     *
     * @param options extra command-line options, e.g. {@code "--maxmemory-policy", "allkeys-lru"}
     * @return the running server
     * @throws IllegalStateException when the binary is missing under {@code CI=true}, or the server does not start
     *                               within 20 seconds (three free ports tried)
     */
    public static RedisServer start(String... options) {
        skipReason().ifPresent(reason -> Assumptions.assumeTrue(false, reason));
        Optional<Path> binary = binary();
        IllegalStateException failure = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return launch(binary.get(), LoopbackPorts.free(), options);
            } catch (IllegalStateException e) {
                failure = e;     // most likely the free port was taken in between: try another
            }
        }
        throw failure;
    }

    /**
     * Why the Redis suites cannot run here, for test engines that skip by other means than JUnit assumptions
     * (jqwik's {@code SkipExecutionHook}).
     *
     * @return the reason, or empty when {@code redis-server} is installed
     * @throws IllegalStateException under {@code CI=true} when it is not: CI must run these suites
     */
    public static Optional<String> skipReason() {
        if (binary().isPresent()) {
            return Optional.empty();
        }
        String missing = "redis-server is not installed (apt-get install redis-server, or set REDIS_SERVER to its "
                + "path): the Redis store's suites are skipped on this machine";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(missing.replace("are skipped on this machine", "must run in CI"));
        }
        return Optional.of(missing);
    }

    /**
     * Whether the Redis suites can run here, for JUnit's {@code @EnabledIf}.
     *
     * @return true when {@code redis-server} is installed
     * @throws IllegalStateException under {@code CI=true} when it is not
     */
    public static boolean installed() {
        return skipReason().isEmpty();
    }

    /**
     * The loopback port the server listens on.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * The address the server listens on.
     *
     * @return {@code 127.0.0.1}
     */
    public String host() {
        return "127.0.0.1";
    }

    /** Stops the server and deletes its directory. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }

    private static Optional<Path> binary() {
        String configured = System.getenv("REDIS_SERVER");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        List<String> path = new ArrayList<>(Arrays.asList(System.getenv().getOrDefault("PATH", "")
                .split(File.pathSeparator)));
        path.addAll(List.of("/usr/bin", "/usr/local/bin", "/usr/sbin"));
        return path.stream().filter(dir -> !dir.isBlank()).map(dir -> Path.of(dir, "redis-server"))
                .filter(Files::isExecutable).findFirst();
    }

    private static RedisServer launch(Path binary, int port, String... options) {
        Path directory;
        Process process;
        try {
            directory = Files.createTempDirectory("redis-test-");
            List<String> command = new ArrayList<>(List.of(binary.toString(), "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no",
                    "--dir", directory.toString()));
            command.addAll(List.of(options));
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + binary, e);
        }
        CountDownLatch ready = new CountDownLatch(1);
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (output.size() < 200) {
                        output.add(line);
                    }
                    if (line.contains("Ready to accept connections")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // the server stopped
            }
        }, "redis-server-" + port);
        reader.setDaemon(true);
        reader.start();
        try {
            if (!ready.await(START_SECONDS, TimeUnit.SECONDS) || !process.isAlive()) {
                process.destroyForcibly();
                throw new IllegalStateException("redis-server did not start on port " + port + ": "
                        + String.join("\n", output));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting redis-server", e);
        }
        return new RedisServer(process, directory, port);
    }
}
