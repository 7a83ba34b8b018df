package dev.lambdaidempotency.localrunner;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lambdaidempotency.examples.report.Report;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The guided tour: each idempotency behaviour of the sample functions, invoked for real and checked. */
final class Demo {
    private static final String REPLAYED = "Idempotent-Replayed";

    private final Backends backends;
    private final Path events;
    private final int concurrency;
    private final Traces traces;
    private final ObjectMapper json = new ObjectMapper();
    private int passed;
    private int failed;

    Demo(Backends backends, Path events, int concurrency, Traces traces) {
        this.backends = backends;
        this.events = events;
        this.concurrency = concurrency;
        this.traces = traces;
    }

    boolean run() {
        long start = System.nanoTime();
        System.out.println("lambda-idempotency local run");
        System.out.println("backends: " + backends.description());
        System.out.println("table " + backends.table() + " (TTL on expiration), bucket " + backends.bucket()
                + "; functions use their own url-connection clients, pointed here by the standard SDK settings");
        System.out.println("traces: " + traces.source().description());
        LambdaInvoker payments = LambdaInvoker.load(SampleFunction.PAYMENT_API, traces.source());
        LambdaInvoker orders = LambdaInvoker.load(SampleFunction.ORDER_CONSUMER, traces.source());
        LambdaInvoker reports = LambdaInvoker.load(SampleFunction.REPORT, traces.source());

        String request = read("payment-request.json");
        // a fresh key per run, so that a run against a persistent backend starts from a first execution too
        String key = UUID.randomUUID().toString();
        String paymentEvent = withKey(request, key);

        section("1. First execution", "POST /payments, Idempotency-Key " + key + " (events/payment-request.json)");
        LambdaInvoker.Invocation first = payments.invoke(paymentEvent);
        APIGatewayProxyResponseEvent created = http(first);
        show(first, created);
        check(created.getStatusCode() == 201 && header(created, REPLAYED) == null, "201 Created, payment executed");

        section("2. Replay", "the same request again (a client retry)");
        LambdaInvoker.Invocation again = payments.invoke(paymentEvent);
        APIGatewayProxyResponseEvent replayed = http(again);
        show(again, replayed);
        check(replayed.getStatusCode() == 201 && "true".equals(header(replayed, REPLAYED)),
                "original status 201, marked " + REPLAYED + ": true");
        check(created.getStatusCode() == 201 && created.getBody().equals(replayed.getBody()), "body identical to the first response (same payment id "
                + paymentId(created) + ")");

        concurrentDuplicates(payments, request);

        section("4. Payload mismatch", "same key, different body (events/payment-request-changed-body.json)");
        LambdaInvoker.Invocation mismatch = payments.invoke(withKey(read("payment-request-changed-body.json"), key));
        APIGatewayProxyResponseEvent unprocessable = http(mismatch);
        show(mismatch, unprocessable);
        check(unprocessable.getStatusCode() == 422
                && "application/problem+json".equals(header(unprocessable, "Content-Type")),
                "422 with an application/problem+json body");

        section("5. Missing key", "events/payment-request-no-key.json");
        LambdaInvoker.Invocation missing = payments.invoke(read("payment-request-no-key.json"));
        APIGatewayProxyResponseEvent badRequest = http(missing);
        show(missing, badRequest);
        check(badRequest.getStatusCode() == 400, "400 with a problem body");

        sqsBatch(orders);
        report(reports);

        System.out.println();
        System.out.printf(Locale.ROOT, "%d passed, %d failed (%.1f s)%n", passed, failed,
                (System.nanoTime() - start) / 1e9);
        return failed == 0;
    }

    private void concurrentDuplicates(LambdaInvoker payments, String request) {
        String key = UUID.randomUUID().toString();
        section("3. Concurrent duplicates", concurrency + " identical requests at the same instant, Idempotency-Key "
                + key);
        String event = withKey(request, key);
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        CountDownLatch gate = new CountDownLatch(1);
        List<Future<LambdaInvoker.Invocation>> futures = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            futures.add(pool.submit(() -> {
                gate.await();
                return payments.invoke(event);
            }));
        }
        gate.countDown();
        int executed = 0;
        int replays = 0;
        int conflicts = 0;
        int other = 0;
        Set<String> ids = new HashSet<>();
        List<LambdaInvoker.Invocation> invocations = new ArrayList<>();
        for (Future<LambdaInvoker.Invocation> future : futures) {
            APIGatewayProxyResponseEvent response;
            try {
                invocations.add(future.get());
                response = http(invocations.get(invocations.size() - 1));
            } catch (Exception e) {
                throw new IllegalStateException("concurrent invocation failed", e);
            }
            if (response.getStatusCode() == 201) {
                ids.add(paymentId(response));
                if ("true".equals(header(response, REPLAYED))) {
                    replays++;
                } else {
                    executed++;
                }
            } else if (response.getStatusCode() == 409 && header(response, "Retry-After") != null) {
                conflicts++;
            } else {
                other++;
            }
        }
        pool.shutdown();
        line("-> " + executed + " executed (201), " + replays + " replayed (201 + " + REPLAYED + "), " + conflicts
                + " refused while in progress (409 + Retry-After), " + other + " other");
        line("-> distinct payment ids in all 201 responses: " + ids);
        traces.showGrouped(invocations, Demo::line);
        check(executed == 1 && ids.size() == 1 && other == 0, "exactly one execution");
    }

    private void sqsBatch(LambdaInvoker orders) {
        String batch = read("orders-batch-with-duplicate.json");
        JsonNode records = tree(batch).path("Records");
        section("6. SQS batch", records.size() + " records, order ids " + orderIds(records)
                + " (events/orders-batch-with-duplicate.json)");
        LambdaInvoker.Invocation first = orders.invoke(batch);
        SQSBatchResponse response = (SQSBatchResponse) requireResponse(first);
        first.logs().forEach(l -> line("log | " + l));
        line("-> batchItemFailures: " + failures(response) + " (" + first.millis() + " ms)");
        traces.show(first, Demo::line);
        check(response.getBatchItemFailures().isEmpty() && count(first, "PROCESSED") == records.size() - 1
                && count(first, "DUPLICATE") == 1, "duplicate in the same batch skipped, not failed");

        line("");
        line("the same batch delivered again (SQS at-least-once):");
        LambdaInvoker.Invocation second = orders.invoke(batch);
        SQSBatchResponse again = (SQSBatchResponse) requireResponse(second);
        second.logs().forEach(l -> line("log | " + l));
        line("-> batchItemFailures: " + failures(again));
        traces.show(second, Demo::line);
        check(again.getBatchItemFailures().isEmpty() && count(second, "DUPLICATE") == records.size(),
                "every record of a redelivered batch skipped as a duplicate");
    }

    private void report(LambdaInvoker reports) {
        String request = read("report-request.json");
        // a fresh request id per run, so that a persistent backend shows a first generation too
        ObjectNode event = (ObjectNode) tree(request);
        event.put("requestId", event.path("requestId").asText() + "-" + UUID.randomUUID().toString().substring(0, 8));
        String eventJson = event.toString();
        section("7. Large result offloaded to S3", "ReportFunction, requestId " + event.path("requestId").asText()
                + " (events/report-request.json)");
        LambdaInvoker.Invocation first = reports.invoke(eventJson);
        Report generated = (Report) requireResponse(first);
        line(String.format(Locale.ROOT, "first call : report %s, %d transactions, generatedAt %s, response %s, %d ms",
                generated.reportId(), generated.transactionCount(), generated.generatedAt(),
                size(first.responseJson().length()), first.millis()));
        traces.show(first, Demo::line);
        LambdaInvoker.Invocation second = reports.invoke(eventJson);
        Report replayed = (Report) requireResponse(second);
        line(String.format(Locale.ROOT, "second call: report %s, generatedAt %s, response %s, %d ms",
                replayed.reportId(), replayed.generatedAt(), size(second.responseJson().length()), second.millis()));
        traces.show(second, Demo::line);
        check(first.responseJson().equals(second.responseJson()), "the repeat returned the stored report, byte for "
                + "byte (same reportId and generatedAt: not generated again)");

        Map<String, AttributeValue> item = backends.dynamoDb().scan(b -> b.tableName(backends.table())).items()
                .stream().filter(i -> i.containsKey("result_pointer"))
                .filter(i -> i.get("result_pointer").m().get("key") != null)
                .max((a, b) -> Long.compare(Long.parseLong(a.get("expiration").n()),
                        Long.parseLong(b.get("expiration").n())))
                .orElse(null);
        if (item == null) {
            check(false, "a table item with a result_pointer");
            return;
        }
        Map<String, AttributeValue> pointer = item.get("result_pointer").m();
        String bucket = pointer.get("bucket").s();
        String key = pointer.get("key").s();
        line("DynamoDB item: " + size(itemSize(item)) + ", attributes " + item.keySet().stream().sorted()
                .collect(Collectors.joining(", ")));
        line("  result_pointer: " + pointer.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + (e.getValue().s() != null ? e.getValue().s() : e.getValue().n()))
                .collect(Collectors.joining(", ")));
        long objectSize = backends.s3().headObject(b -> b.bucket(bucket).key(key)).contentLength();
        line("S3 object s3://" + bucket + "/" + key + ": " + size(objectSize) + " ("
                + pointer.get("content_encoding").s() + " of the " + size(first.responseJson().length())
                + " JSON report)");
        check(!item.containsKey("data") && itemSize(item) < 2048
                && objectSize == Long.parseLong(pointer.get("size").n()),
                "the table item holds only a pointer; the report lives in S3");
    }

    // ---- helpers

    private APIGatewayProxyResponseEvent http(LambdaInvoker.Invocation invocation) {
        return (APIGatewayProxyResponseEvent) requireResponse(invocation);
    }

    private static Object requireResponse(LambdaInvoker.Invocation invocation) {
        if (invocation.failed()) {
            throw new IllegalStateException("the function failed: " + invocation.error(), invocation.error());
        }
        return invocation.response();
    }

    private void show(LambdaInvoker.Invocation invocation, APIGatewayProxyResponseEvent response) {
        Map<String, String> headers = response.getHeaders();
        String shown = headers.entrySet().stream()
                .filter(e -> !e.getKey().equals("Content-Type") || e.getValue().contains("problem"))
                .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", "));
        line("-> " + response.getStatusCode() + (shown.isEmpty() ? "" : " [" + shown + "]") + " in "
                + invocation.millis() + " ms");
        line("   " + response.getBody());
        invocation.logs().forEach(l -> line("   log | " + l));
        traces.show(invocation, text -> line("   " + text));
    }

    private static String header(APIGatewayProxyResponseEvent response, String name) {
        return response.getHeaders() == null ? null : response.getHeaders().get(name);
    }

    private String paymentId(APIGatewayProxyResponseEvent response) {
        return tree(response.getBody()).path("id").asText();
    }

    private String withKey(String event, String key) {
        ObjectNode tree = (ObjectNode) tree(event);
        object(tree, "headers").put("Idempotency-Key", key);
        object(tree, "multiValueHeaders").putArray("Idempotency-Key").add(key);
        return tree.toString();
    }

    private static ObjectNode object(ObjectNode parent, String field) {
        JsonNode child = parent.get(field);
        return child instanceof ObjectNode existing ? existing : parent.putObject(field);
    }

    private static String orderIds(JsonNode records) {
        List<String> ids = new ArrayList<>();
        ObjectMapper mapper = new ObjectMapper();
        for (JsonNode record : records) {
            try {
                ids.add(mapper.readTree(record.path("body").asText()).path("orderId").asText());
            } catch (IOException e) {
                ids.add("?");
            }
        }
        return ids.toString();
    }

    private static long count(LambdaInvoker.Invocation invocation, String outcome) {
        return invocation.logs().stream().filter(l -> l.contains(": " + outcome + " ")).count();
    }

    private static List<String> failures(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .toList();
    }

    /** The item's size by DynamoDB's rules (names + values; numbers approximated by their digits). */
    private static long itemSize(Map<String, AttributeValue> item) {
        long size = 0;
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            size += attribute.getKey().getBytes(StandardCharsets.UTF_8).length + valueSize(attribute.getValue());
        }
        return size;
    }

    private static long valueSize(AttributeValue value) {
        if (value.s() != null) {
            return value.s().getBytes(StandardCharsets.UTF_8).length;
        }
        if (value.n() != null) {
            return (value.n().length() + 1) / 2 + 1;
        }
        if (value.hasM()) {
            return 3 + itemSize(value.m()) + value.m().size();
        }
        if (value.hasL()) {
            return 3 + value.l().stream().mapToLong(v -> valueSize(v) + 1).sum();
        }
        return 1;
    }

    private static String size(long bytes) {
        if (bytes >= 1_000_000) {
            return String.format(Locale.ROOT, "%,d bytes (%.1f MB)", bytes, bytes / 1e6);
        }
        return String.format(Locale.ROOT, "%,d bytes", bytes);
    }

    private String read(String name) {
        try {
            return Files.readString(events.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + events.resolve(name) + " (run from the repository root)",
                    e);
        }
    }

    private JsonNode tree(String text) {
        try {
            return json.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void section(String title, String what) {
        traces.scenario(title);
        System.out.println();
        System.out.println(title + ": " + what);
    }

    private static void line(String text) {
        System.out.println("   " + text);
    }

    private void check(boolean ok, String what) {
        if (ok) {
            passed++;
        } else {
            failed++;
        }
        System.out.println("   " + (ok ? "PASS " : "FAIL ") + what);
    }
}
