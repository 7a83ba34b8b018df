package dev.lambdaidempotency.benchmarks.runner;

import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.testkit.AwsEndpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Cold starts: for each run, every variant in a fresh JVM (order shuffled per run), started with the shaded
 * deployable jar as its only class path, timed from just before the process is started to the end of its first
 * invocation (client construction included). The JVM flags mirror Lambda's Java runtime (C1 only, serial GC).
 */
final class ColdStartBenchmark {
    static final String TABLE = "bench-cold";
    static final List<String> JVM_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC", "-Xshare:auto", "-Xmx512m");
    private static final Pattern LINE = Pattern.compile("COLDSTART total_ns=(\\d+) jvm_ns=(\\d+) init_ns=(\\d+) "
            + "invoke_ns=(\\d+) classes=(\\d+)");

    /** One kind of function. */
    record Variant(String name, String description, Path jar, String mainClass) {
    }

    /** The figures of one variant. */
    static final class Result {
        final Variant variant;
        final Samples total = new Samples();
        final Samples jvm = new Samples();
        final Samples init = new Samples();
        final Samples invoke = new Samples();
        final Samples classes = new Samples();

        Result(Variant variant) {
            this.variant = variant;
        }
    }

    private final AwsEndpoint endpoint;
    private final List<Variant> variants;
    private final Path home;
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    ColdStartBenchmark(AwsEndpoint endpoint, Path bareJar, Path oursJar) throws IOException {
        this.endpoint = endpoint;
        for (Path jar : List.of(bareJar, oursJar)) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("missing shaded jar " + jar + " (build with -Pbenchmarks)");
            }
        }
        String bareMain = "dev.lambdaidempotency.benchmarks.function.ColdStart";
        this.variants = List.of(
                new Variant("bare", "handler only, no AWS client", bareJar, bareMain),
                new Variant("one-call", "bare + DynamoDbClient + one PutItem", bareJar, bareMain),
                new Variant("floor", "bare + DynamoDbClient + the raw requests of a first execution (claim, "
                        + "completion)", bareJar, bareMain),
                new Variant("ours", "bare + DynamoDbClient + lambda-idempotency (Idempotency.wrap), first "
                        + "execution", oursJar, "dev.lambdaidempotency.benchmarks.function.ColdStartOurs"));
        this.home = Files.createTempDirectory("bench-cold-home");
        try (DynamoDbClient client = endpoint.dynamoDbClient()) {
            DynamoDbIdempotencyStore.builder().client(client).tableName(TABLE).build().createTableIfMissing();
        }
    }

    List<Variant> variants() {
        return variants;
    }

    Map<String, Result> run(int warmups, int runs, long seed) throws IOException, InterruptedException {
        Map<String, Result> results = new LinkedHashMap<>();
        variants.forEach(v -> results.put(v.name(), new Result(v)));
        Random random = new Random(seed);
        for (int r = 0; r < warmups + runs; r++) {
            List<Variant> order = new ArrayList<>(variants);
            Collections.shuffle(order, random);
            for (Variant v : order) {
                long[] figures = once(v, "cold-" + v.name() + "-" + System.nanoTime());
                if (r >= warmups) {
                    Result result = results.get(v.name());
                    result.total.add(figures[0]);
                    result.jvm.add(figures[1]);
                    result.init.add(figures[2]);
                    result.invoke.add(figures[3]);
                    result.classes.add(figures[4]);
                }
            }
        }
        return results;
    }

    private long[] once(Variant v, String orderId) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(JVM_FLAGS);
        // for investigations, e.g. -Dbench.childFlags=-Xlog:class+load:file=/tmp/cl-%p.log (not in the report)
        String extra = System.getProperty("bench.childFlags", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.add("-Duser.home=" + home);
        command.add("-cp");
        command.add(v.jar().toString());
        command.add(v.mainClass());
        command.add(v.name());
        int startArgument = command.size();
        command.add("0");
        command.add(orderId);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        String path = env.get("PATH");
        env.clear();
        env.put("PATH", path == null ? "/usr/bin:/bin" : path);
        env.put("HOME", home.toString());
        env.put("AWS_REGION", endpoint.region().id());
        env.put("AWS_ACCESS_KEY_ID", endpoint.accessKey());
        env.put("AWS_SECRET_ACCESS_KEY", endpoint.secretKey());
        env.put("AWS_ENDPOINT_URL_DYNAMODB", endpoint.uri().toString());
        env.put("AWS_LAMBDA_FUNCTION_NAME", "bench-cold");
        env.put("IDEMPOTENCY_TABLE", TABLE);
        long start = System.nanoTime();
        command.set(startArgument, Long.toString(start));
        builder.command(command);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(v.name() + ": cold-start process did not finish");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        Matcher m = LINE.matcher(text);
        if (process.exitValue() != 0 || !m.find()) {
            throw new IllegalStateException(v.name() + ": cold-start process failed (exit " + process.exitValue()
                    + "):\n" + text);
        }
        long[] figures = new long[5];
        for (int i = 0; i < 5; i++) {
            figures[i] = Long.parseLong(m.group(i + 1));
        }
        if (figures[0] <= 0 || figures[1] <= 0) {
            throw new IllegalStateException("the child's clock does not match ours (System.nanoTime is not "
                    + "system-wide here): " + text);
        }
        return figures;
    }
}
