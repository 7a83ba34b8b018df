package dev.lambdaidempotency.localrunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Runs the sample functions locally, without Docker.
 *
 * <pre>
 * LocalRunner [demo] [BACKEND] [--concurrency N]      the guided tour (default)
 * LocalRunner invoke FUNCTION EVENT_FILE [BACKEND]     one event, like "sam local invoke FUNCTION -e EVENT_FILE"
 *
 * FUNCTION: PaymentApiFunction | OrderConsumerFunction | ReportFunction (or payment | orders | report)
 * BACKEND:  (default) DynamoDB Local + S3Proxy embedded in this JVM, table and bucket created
 *           --endpoint URL   an existing emulator for both services, e.g. LocalStack http://localhost:4566
 *           --aws            real AWS, default credential/region chains; needs the deployed table and bucket
 *           --table NAME --bucket NAME   (defaults: idempotency-local, idempotency-results-local)
 * </pre>
 *
 * <p>Always ends with {@link System#exit(int)}: DynamoDB Local leaves a non-daemon thread behind. Exit status 0
 * when every check (demo) or the invocation (invoke) succeeded, 1 otherwise, 2 for bad arguments.
 */
public final class LocalRunner {
    private LocalRunner() {
    }

    /**
     * Entry point.
     *
     * @param args see the class documentation
     */
    public static void main(String[] args) {
        int status;
        try {
            status = run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("usage: LocalRunner [demo] [--endpoint URL | --aws] [--table NAME] [--bucket NAME] "
                    + "[--concurrency N]");
            System.err.println("       LocalRunner invoke FUNCTION EVENT_FILE [--endpoint URL | --aws] "
                    + "[--table NAME] [--bucket NAME]");
            status = 2;
        } catch (RuntimeException | Error e) {
            // whatever happened, exit: DynamoDB Local's non-daemon thread would keep the JVM alive
            System.err.println("local run failed: " + e);
            e.printStackTrace();
            status = 1;
        }
        System.out.flush();
        System.exit(status);
    }

    private static int run(String[] args) {
        Deque<String> rest = new ArrayDeque<>(Arrays.asList(args));
        String mode = rest.isEmpty() || rest.peek().startsWith("--") ? "demo" : rest.pop();
        String function = null;
        Path event = null;
        if (mode.equals("invoke")) {
            if (rest.size() < 2) {
                throw new IllegalArgumentException("invoke needs FUNCTION and EVENT_FILE");
            }
            function = rest.pop();
            event = Path.of(rest.pop());
        } else if (!mode.equals("demo")) {
            throw new IllegalArgumentException("unknown mode \"" + mode + "\"");
        }
        URI endpoint = null;
        boolean aws = false;
        String table = Backends.DEFAULT_TABLE;
        String bucket = Backends.DEFAULT_BUCKET;
        int concurrency = 8;
        while (!rest.isEmpty()) {
            String option = rest.pop();
            switch (option) {
                case "--endpoint" -> endpoint = URI.create(value(rest, option));
                case "--aws" -> aws = true;
                case "--table" -> table = value(rest, option);
                case "--bucket" -> bucket = value(rest, option);
                case "--concurrency" -> concurrency = Integer.parseInt(value(rest, option));
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (aws && endpoint != null) {
            throw new IllegalArgumentException("--aws and --endpoint exclude each other");
        }
        try (Backends backends = aws ? Backends.aws(table, bucket)
                : endpoint != null ? Backends.endpoint(endpoint, table, bucket)
                : Backends.embedded(table, bucket)) {
            if (mode.equals("demo")) {
                return new Demo(backends, Path.of("events"), concurrency).run() ? 0 : 1;
            }
            return invokeOnce(backends, SampleFunction.named(function), event);
        }
    }

    private static int invokeOnce(Backends backends, SampleFunction function, Path event) {
        String json;
        try {
            json = Files.readString(event, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + event, e);
        }
        System.out.println("backends: " + backends.description() + ", table " + backends.table() + ", bucket "
                + backends.bucket());
        LambdaInvoker invoker = LambdaInvoker.load(function);
        LambdaInvoker.Invocation result = invoker.invoke(json);
        System.out.println("invoked " + function.logicalId() + " with " + event + " (request " + result.requestId()
                + ", " + result.millis() + " ms)");
        result.logs().forEach(line -> System.out.println("  log | " + line));
        if (result.failed()) {
            System.out.println("function error: " + result.error().getClass().getName() + ": "
                    + result.error().getMessage());
            return 1;
        }
        String response = result.responseJson();
        if (response.length() > 4096) {
            System.out.println("response (" + response.length() + " bytes, first 600 shown): "
                    + response.substring(0, 600) + "...");
        } else {
            System.out.println("response: " + response);
        }
        return 0;
    }

    private static String value(Deque<String> rest, String option) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return rest.pop();
    }
}
