package dev.lambdaidempotency.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One execution environment: the Runtime Interface Emulator serving the Lambda Runtime API, running the AWS Lambda
 * Java runtime interface client on the function's task root, exactly as Lambda's Java images do. The emulator
 * serves one invocation at a time and starts the runtime (init) on the first one; a handler that outlives the
 * function's timeout is killed and the runtime restarted on the next invocation. Everything the process prints
 * (emulator log, function log, EMF lines) is kept for assertions and written to a log file.
 */
final class LambdaRuntime implements AutoCloseable {
    private static final Pattern INIT_REPORT = Pattern.compile("INIT REPORT\\(durationMs: ([0-9.]+)\\)");
    private static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    /** Where the client loads its JNI part from instead of unpacking it (see {@link #nativeLibrary}). */
    private static final String RIC_JNI_PROPERTY =
            "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    private final String label;
    private final SamTemplate.Function function;
    private final Process process;
    private final URI invocations;
    private final List<String> lines = new ArrayList<>();
    private final Thread pump;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /**
     * The answer to one invocation.
     *
     * @param status  the emulator's HTTP status
     * @param body    the function's response (or the runtime's error document)
     * @param elapsed the round trip
     */
    record Invocation(int status, String body, Duration elapsed) {
    }

    private LambdaRuntime(String label, SamTemplate.Function function, Process process, int port, Path log) {
        this.label = label;
        this.function = function;
        this.process = process;
        this.invocations = URI.create("http://127.0.0.1:" + port + "/2015-03-31/functions/function/invocations");
        this.pump = new Thread(() -> pump(log), "rie-output-" + label);
        this.pump.setDaemon(true);
        this.pump.start();
    }

    /**
     * Starts an execution environment.
     *
     * @param label       names the log file and the output lines
     * @param rie         the emulator binary
     * @param ricClassPath the directory of the runtime interface client's jars
     * @param taskRoot    the function's code as {@code sam build} lays it out ({@code lib/*.jar})
     * @param function    the function as template.yaml deploys it
     * @param backend     endpoint and credential variables
     * @param logDir      where the process log goes
     */
    static LambdaRuntime start(String label, Path rie, Path ricClassPath, Path taskRoot, SamTemplate.Function function,
            Map<String, String> backend, Path logDir) throws IOException {
        int port = freePort();
        int runtimeApiPort = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(rie.toString(),
                "--runtime-interface-emulator-address", "127.0.0.1:" + port,
                "--runtime-api-address", "127.0.0.1:" + runtimeApiPort,
                java, "-D" + RIC_JNI_PROPERTY + "=" + nativeLibrary(ricClassPath),
                "-cp", ricClassPath.toAbsolutePath() + "/*", RIC_MAIN, function.handler())
                .directory(taskRoot.toFile())
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        String path = env.get("PATH");
        env.clear();
        env.put("PATH", path);
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("LAMBDA_TASK_ROOT", taskRoot.toAbsolutePath().toString());
        env.put("_HANDLER", function.handler());
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.put("AWS_LAMBDA_FUNCTION_NAME", function.name());
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMb()));
        env.put("AWS_LAMBDA_FUNCTION_TIMEOUT", Integer.toString(function.timeoutSeconds())); // read by the emulator
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + function.name());
        env.putAll(function.environment());
        env.putAll(backend);
        Files.createDirectories(logDir);
        Path log = logDir.resolve(label + ".log");
        LambdaRuntime runtime = new LambdaRuntime(label, function, builder.start(), port, log);
        runtime.awaitListening(port);
        return runtime;
    }

    /**
     * Invokes the function with an event, as the Lambda service does.
     *
     * @param event the event JSON
     * @return the answer
     */
    Invocation invoke(String event) {
        HttpRequest request = HttpRequest.newBuilder(invocations)
                .timeout(Duration.ofSeconds(function.timeoutSeconds() + 120L))
                .POST(HttpRequest.BodyPublishers.ofString(event, StandardCharsets.UTF_8))
                .build();
        long started = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Invocation(response.statusCode(), response.body(), Duration.ofNanos(System.nanoTime() - started));
        } catch (IOException e) {
            throw new UncheckedIOException(label + ": the emulator did not answer; its log:\n" + tail(40), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every line printed so far (emulator, runtime and function). */
    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The lines containing {@code text}. */
    long count(String text) {
        return lines().stream().filter(line -> line.contains(text)).count();
    }

    /**
     * The lines containing {@code text}, once there are at least {@code atLeast} of them or 10 s have passed: the
     * function's output reaches us through the emulator's pipe, possibly just after the invocation's response.
     */
    long awaitCount(String text, long atLeast) {
        Poll.until(() -> count(text) >= atLeast, Duration.ofSeconds(10));
        return count(text);
    }

    /** The emulator's {@code INIT REPORT} of the first (cold) init, once an invocation has run. */
    OptionalDouble initDurationMs() {
        for (String line : lines()) {
            Matcher matcher = INIT_REPORT.matcher(line);
            if (matcher.find()) {
                return OptionalDouble.of(Double.parseDouble(matcher.group(1)));
            }
        }
        return OptionalDouble.empty();
    }

    String label() {
        return label;
    }

    String tail(int count) {
        List<String> all = lines();
        return String.join("\n", all.subList(Math.max(0, all.size() - count), all.size()));
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            pump.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void pump(Path log) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                }
                out.println(line);
            }
        } catch (IOException e) {
            synchronized (lines) {
                lines.add("[runtime-tests] output pump failed: " + e);
            }
        }
    }

    private void awaitListening(int port) throws IOException {
        boolean listening = Poll.until(() -> !process.isAlive() || accepts(port), Duration.ofSeconds(20));
        if (!process.isAlive()) {
            throw new IOException(label + ": the emulator exited with " + process.exitValue() + ":\n" + tail(40));
        }
        if (!listening) {
            throw new IOException(label + ": the emulator did not listen on " + port + " within 20 s:\n" + tail(40));
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /**
     * The client's JNI library, unpacked once. Left to itself, every client unpacks it to the fixed path
     * {@code /tmp/.libaws-lambda-jni.so} at start-up; each Lambda sandbox has its own /tmp, but environments sharing
     * one host here would overwrite a library another process is loading (SIGBUS). The client reads this path from
     * a system property instead; the bytes are the same.
     */
    private static synchronized String nativeLibrary(Path ricClassPath) throws IOException {
        String arch = System.getProperty("os.arch");
        String name = "libaws-lambda-jni.linux-" + (arch.equals("aarch64") ? "aarch_64" : "x86_64") + ".so";
        Path target = ricClassPath.toAbsolutePath().resolveSibling("jni").resolve(name);
        if (Files.isRegularFile(target)) {
            return target.toString();
        }
        Files.createDirectories(target.getParent());
        try (var jars = Files.newDirectoryStream(ricClassPath, "aws-lambda-java-runtime-interface-client-*.jar")) {
            for (Path jar : jars) {
                try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
                    java.util.zip.ZipEntry entry = zip.getEntry("jni/" + name);
                    if (entry != null) {
                        Path partial = Files.createTempFile(target.getParent(), name, ".part");
                        try (var in = zip.getInputStream(entry)) {
                            Files.copy(in, partial, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        }
                        Files.move(partial, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                        return target.toString();
                    }
                }
            }
        }
        throw new IOException("no jni/" + name + " in the runtime interface client under " + ricClassPath);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
