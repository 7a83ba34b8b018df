package dev.lambdaidempotency.localrunner;

import dev.lambdaidempotency.examples.wiring.FunctionWiring;
import dev.lambdaidempotency.localrunner.trace.OpenTelemetryTraceSource;
import dev.lambdaidempotency.localrunner.trace.TraceJson;
import dev.lambdaidempotency.localrunner.trace.TraceSource;
import dev.lambdaidempotency.localrunner.trace.XRayTraceSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Locale;

/**
 * Runs the sample functions locally, without Docker.
 *
 * <pre>
 * LocalRunner [demo] [BACKEND] [--concurrency N] [TRACING]   the guided tour (default)
 * LocalRunner invoke FUNCTION EVENT_FILE [BACKEND] [TRACING]  one event, like "sam local invoke -e"
 *
 * FUNCTION: PaymentApiFunction | OrderConsumerFunction | ReportFunction (or payment | orders | report)
 * BACKEND:  (default) DynamoDB Local + S3Proxy embedded in this JVM, table and bucket created
 *           --endpoint URL   an existing emulator for both services, e.g. LocalStack http://localhost:4566
 *           --aws            real AWS, default credential/region chains; needs the deployed table and bucket
 *           --table NAME --bucket NAME   (defaults: idempotency-local, idempotency-results-local)
 * TRACING:  --tracer xray | opentelemetry | none   the functions' tracer (IDEMPOTENCY_TRACER; default xray)
 *           --trace-out FILE   also write every invocation's trace tree as JSON ({@link TraceJson})
 * </pre>
 *
 * <p>Each invocation's trace tree is printed under it: with X-Ray, the functions' recorder sends to a UDP listener of
 * the runner in place of the X-Ray daemon ({@link XRayTraceSource}); with OpenTelemetry, the functions' tracer
 * records into an SDK the runner installs as the global OpenTelemetry ({@link OpenTelemetryTraceSource}).
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
                    + "[--concurrency N] [--tracer xray|opentelemetry|none] [--trace-out FILE]");
            System.err.println("       LocalRunner invoke FUNCTION EVENT_FILE [--endpoint URL | --aws] "
                    + "[--table NAME] [--bucket NAME] [--tracer xray|opentelemetry|none] [--trace-out FILE]");
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
        Path traceOut = null;
        String tracer = "xray";
        while (!rest.isEmpty()) {
            String option = rest.pop();
            switch (option) {
                case "--endpoint" -> endpoint = URI.create(value(rest, option));
                case "--aws" -> aws = true;
                case "--table" -> table = value(rest, option);
                case "--bucket" -> bucket = value(rest, option);
                case "--concurrency" -> concurrency = Integer.parseInt(value(rest, option));
                case "--trace-out" -> traceOut = Path.of(value(rest, option));
                case "--tracer" -> tracer = value(rest, option).toLowerCase(Locale.ROOT);
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (aws && endpoint != null) {
            throw new IllegalArgumentException("--aws and --endpoint exclude each other");
        }
        // before any function class is loaded: the functions' X-Ray recorder reads the daemon address when made, and
        // their OpenTelemetry tracer takes the global OpenTelemetry
        try (TraceSource tracing = startTracing(tracer);
                Backends backends = aws ? Backends.aws(table, bucket)
                : endpoint != null ? Backends.endpoint(endpoint, table, bucket)
                : Backends.embedded(table, bucket)) {
            Traces traces = new Traces(tracing);
            int status;
            if (mode.equals("demo")) {
                status = new Demo(backends, Path.of("events"), concurrency, traces).run() ? 0 : 1;
            } else {
                status = invokeOnce(backends, SampleFunction.named(function), event, traces);
            }
            if (traceOut != null) {
                traces.write(traceOut);
                System.out.println("traces of " + traces.count() + " invocations written to " + traceOut);
            }
            return status;
        }
    }

    /** Tells the functions which tracer to use ({@code IDEMPOTENCY_TRACER}) and starts the source that records it. */
    private static TraceSource startTracing(String tracer) {
        if (!tracer.equals("xray") && !tracer.equals("opentelemetry") && !tracer.equals("none")) {
            throw new IllegalArgumentException("--tracer must be xray, opentelemetry or none, was \"" + tracer + "\"");
        }
        System.setProperty(FunctionWiring.Tracing.SETTING, tracer);
        try {
            return switch (tracer) {
                case "xray" -> XRayTraceSource.start();
                case "opentelemetry" -> OpenTelemetryTraceSource.install();
                default -> TraceSource.off("--tracer none");
            };
        } catch (RuntimeException e) {
            return TraceSource.off(e.getMessage());
        }
    }

    private static int invokeOnce(Backends backends, SampleFunction function, Path event, Traces traces) {
        String json;
        try {
            json = Files.readString(event, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + event, e);
        }
        System.out.println("backends: " + backends.description() + ", table " + backends.table() + ", bucket "
                + backends.bucket());
        System.out.println("traces: " + traces.source().description());
        LambdaInvoker invoker = LambdaInvoker.load(function, traces.source());
        traces.scenario("invoke " + event);
        LambdaInvoker.Invocation result = invoker.invoke(json);
        System.out.println("invoked " + function.logicalId() + " with " + event + " (request " + result.requestId()
                + ", " + result.millis() + " ms)");
        result.logs().forEach(line -> System.out.println("  log | " + line));
        traces.show(result, line -> System.out.println("  " + line));
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
