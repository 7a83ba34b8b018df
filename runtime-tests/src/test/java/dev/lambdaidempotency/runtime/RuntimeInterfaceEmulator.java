package dev.lambdaidempotency.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Finds the AWS Lambda Runtime Interface Emulator ({@code aws-lambda-rie}), building it with {@code go install}
 * from the Go module proxy on first use and caching the binary under {@code ~/.cache/lambda-idempotency/}.
 * {@code AWS_LAMBDA_RIE} names a binary to use instead.
 */
final class RuntimeInterfaceEmulator {
    static final String MODULE = "github.com/aws/aws-lambda-runtime-interface-emulator";
    /** The module proxy serves this pseudo-version (its tagged v1.23.0 is not served). */
    static final String VERSION = "v0.0.0-20261030222936-bef5c4ba774d";
    static final String BINARY_VARIABLE = "AWS_LAMBDA_RIE";

    private RuntimeInterfaceEmulator() {
    }

    /**
     * Why the emulator cannot be had on this machine, or {@code null} when {@link #binary()} will work.
     *
     * @param environment the process environment
     * @return the reason, or {@code null}
     */
    static String unavailableReason(Map<String, String> environment) {
        String given = environment.get(BINARY_VARIABLE);
        if (given != null) {
            return Files.isExecutable(Path.of(given)) ? null : BINARY_VARIABLE + "=" + given + " is not executable";
        }
        if (Files.isExecutable(cached())) {
            return null;
        }
        return go(environment) != null ? null : "the Lambda Runtime Interface Emulator is not built and there is no "
                + "Go toolchain to build it (install Go, or set " + BINARY_VARIABLE + " to an aws-lambda-rie binary)";
    }

    /**
     * The emulator binary, built if needed.
     *
     * @return an executable path
     * @throws IOException when it cannot be built
     */
    static synchronized Path binary() throws IOException, InterruptedException {
        String given = System.getenv(BINARY_VARIABLE);
        if (given != null) {
            return Path.of(given);
        }
        Path binary = cached();
        if (Files.isExecutable(binary)) {
            return binary;
        }
        String go = go(System.getenv());
        if (go == null) {
            throw new IOException(unavailableReason(System.getenv()));
        }
        Files.createDirectories(binary.getParent());
        Path scratch = Files.createTempDirectory(binary.getParent(), "build-");
        ProcessBuilder build = new ProcessBuilder(go, "install", MODULE + "/cmd/aws-lambda-rie@" + VERSION)
                .redirectErrorStream(true)
                .redirectOutput(scratch.resolve("go-install.log").toFile());
        build.environment().put("GOBIN", scratch.toString());
        build.environment().put("GOFLAGS", "-mod=mod");
        long started = System.nanoTime();
        Process process = build.start();
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("go install of the Runtime Interface Emulator failed:\n"
                    + Files.readString(scratch.resolve("go-install.log")));
        }
        Files.move(scratch.resolve("aws-lambda-rie"), binary, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        System.out.printf("[runtime] built aws-lambda-rie %s in %d s%n", VERSION,
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
        return binary;
    }

    private static Path cached() {
        return Path.of(System.getProperty("user.home"), ".cache", "lambda-idempotency", "aws-lambda-rie-" + VERSION,
                "aws-lambda-rie");
    }

    private static String go(Map<String, String> environment) {
        String path = environment.getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "go"))) {
                return Path.of(dir, "go").toString();
            }
        }
        for (String candidate : List.of("/usr/local/go/bin/go", "/usr/lib/go/bin/go")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }
}
