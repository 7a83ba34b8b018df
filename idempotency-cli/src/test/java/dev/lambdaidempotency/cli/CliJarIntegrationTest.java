package dev.lambdaidempotency.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.examples.orders.OrderConsumerFunction;
import dev.lambdaidempotency.examples.orders.SimulatedFulfilment;
import dev.lambdaidempotency.examples.payment.PaymentApiFunction;
import dev.lambdaidempotency.examples.payment.PaymentProcessor;
import dev.lambdaidempotency.examples.payment.SimulatedPaymentProcessor;
import dev.lambdaidempotency.examples.report.ReportFunction;
import dev.lambdaidempotency.examples.report.ReportGenerator;
import dev.lambdaidempotency.examples.report.ReportRequest;
import dev.lambdaidempotency.examples.wiring.FunctionWiring;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.testkit.S3Server;
import dev.lambdaidempotency.testkit.TestLambdaContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The real artifact: the shaded jar, started as a process ({@code java -jar}), configured only through the
 * environment a deployed function has ({@code IDEMPOTENCY_TABLE}, {@code AWS_ENDPOINT_URL_DYNAMODB}, ...), against
 * the records the sample functions wrote on DynamoDB Local and S3Proxy: a payment and its replay, an order batch,
 * an offloaded report, and a payment whose invocation was killed mid-charge. Prints each command and its output:
 * the README's section "Operating the table: the CLI" shows this test's output.
 */
class CliJarIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.embedded();

    private static final String TABLE = "idempotency-local";
    private static final String BUCKET = "idempotency-results-local";
    private static final String PAYMENT_KEY = "8e03978e-40d5-43e8-bc93-6894a57f9324";
    private static final String KILLED_PAYMENT_KEY = "b6f1c0de-killed-mid-charge";
    private static final String REPORT_KEY = "stmt-cus_4QFJOjw2pOmAGJ-2025-05";
    private static final List<String> PROPERTIES = List.of("aws.endpointUrlDynamoDb", "aws.endpointUrlS3",
            "aws.region", "aws.accessKeyId", "aws.secretAccessKey", "IDEMPOTENCY_TABLE", "IDEMPOTENCY_BUCKET",
            "IDEMPOTENCY_S3_PATH_STYLE", "IDEMPOTENCY_S3_EXPECT_CONTINUE");
    private static final ExecutorService KILLED = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "killed-invocation");
        thread.setDaemon(true);
        return thread;
    });

    @BeforeAll
    static void runTheSampleFunctions() throws Exception {
        DynamoDbClient dynamoDb = AWS.dynamoDbClient();
        S3Client s3 = AWS.s3Client();
        DynamoDbIdempotencyStore.builder().client(dynamoDb).tableName(TABLE).build().createTableIfMissing();
        s3.createBucket(b -> b.bucket(BUCKET));
        System.setProperty("aws.endpointUrlDynamoDb", AWS.dynamoDb().uri().toString());
        System.setProperty("aws.endpointUrlS3", AWS.s3().uri().toString());
        System.setProperty("aws.region", AWS.s3().region().id());
        System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
        System.setProperty("IDEMPOTENCY_TABLE", TABLE);
        System.setProperty("IDEMPOTENCY_BUCKET", BUCKET);
        System.setProperty("IDEMPOTENCY_S3_PATH_STYLE", "true");
        System.setProperty("IDEMPOTENCY_S3_EXPECT_CONTINUE", "false");
        FunctionWiring wiring = FunctionWiring.fromEnvironment();

        PaymentApiFunction payments = new PaymentApiFunction(wiring, new SimulatedPaymentProcessor(Clock.systemUTC()));
        APIGatewayProxyRequestEvent payment = apiEvent("payment-request.json");
        assertEquals(201, payments.handleRequest(payment, null).getStatusCode());
        assertEquals(201, payments.handleRequest(payment, null).getStatusCode()); // replayed

        SQSEvent batch = LambdaEventSerializers.serializerFor(SQSEvent.class,
                CliJarIntegrationTest.class.getClassLoader()).fromJson(read("orders-batch-with-duplicate.json"));
        new OrderConsumerFunction(wiring, new SimulatedFulfilment(Clock.systemUTC())).handleRequest(batch, null);

        ReportRequest report = JacksonFactory.getInstance().getSerializer(ReportRequest.class)
                .fromJson(read("report-request.json"));
        new ReportFunction(wiring, new ReportGenerator(Clock.systemUTC(), 6_000)).handleRequest(report, null);

        // an invocation killed mid-charge: its processor never returns, and its lease (the invocation's remaining
        // time, 1 ms) has passed by the time any CLI process starts
        CountDownLatch charging = new CountDownLatch(1);
        PaymentProcessor hangs = request -> {
            charging.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("killed");
        };
        APIGatewayProxyRequestEvent killed = LambdaEventSerializers.serializerFor(APIGatewayProxyRequestEvent.class,
                CliJarIntegrationTest.class.getClassLoader())
                .fromJson(read("payment-request.json").replace(PAYMENT_KEY, KILLED_PAYMENT_KEY));
        PaymentApiFunction killedFunction = new PaymentApiFunction(wiring, hangs);
        Future<?> invocation = KILLED.submit(() -> killedFunction.handleRequest(killed, TestLambdaContext.fixed(1)));
        while (!charging.await(100, TimeUnit.MILLISECONDS)) {
            if (invocation.isDone()) {
                invocation.get(); // it ended instead of hanging: show why
                throw new AssertionError("the killed invocation returned " + invocation.get());
            }
        }
    }

    @AfterAll
    static void clearProperties() {
        KILLED.shutdownNow();
        PROPERTIES.forEach(System::clearProperty);
    }

    @Test
    void theJarOperatesTheTableTheSampleFunctionsWrote() throws Exception {
        Run stats = cli("stats");
        assertEquals(0, stats.exitCode(), stats.err());
        assertTrue(stats.out().contains("payment-api"), stats.out());

        JsonNode statsJson = cli("stats", "--json").json();
        assertEquals(1, statsJson.get("total").get("stuck").asLong());
        assertEquals(1, statsJson.get("total").get("offloaded").asLong());
        assertEquals(3 + 1 + 1 + 1, statsJson.get("total").get("total").asLong()); // 3 orders, 2 payments, report

        Run inspectPayment = cli("inspect", "--function", "payment-api", "--operation", "http", "--key",
                PAYMENT_KEY);
        assertEquals(0, inspectPayment.exitCode(), inspectPayment.err());
        assertTrue(inspectPayment.out().contains("COMPLETED"), inspectPayment.out());

        Run inspectReport = cli("inspect", "--function", "report-generator", "--key", REPORT_KEY);
        assertEquals(0, inspectReport.exitCode(), inspectReport.err());
        assertTrue(inspectReport.out().contains("sha256 matches"), inspectReport.out());

        Run inspectOrder = cli("inspect", "--function", "order-consumer", "--operation", "process-order", "--key",
                "ord-1001", "--json");
        assertEquals("COMPLETED", inspectOrder.json().get("status").asText());

        Run stuck = cli("stuck");
        assertEquals(0, stuck.exitCode(), stuck.err());
        JsonNode stuckRecords = cli("stuck", "--json").json().get("records");
        assertEquals(1, stuckRecords.size());
        String id = stuckRecords.get(0).get("id").asText();
        String owner = stuckRecords.get(0).get("owner").asText();
        assertEquals("payment-api", stuckRecords.get(0).get("function").asText());

        assertEquals(0, cli("release", "--id", id, "--owner", owner, "--dry-run").exitCode());
        Run refused = cli("release", "--id", inspectPayment.out().lines().findFirst().orElseThrow()
                .replaceFirst("^record\\s+", ""), "--force", "--yes");
        assertEquals(3, refused.exitCode(), refused.err());
        Run release = cli("release", "--id", id, "--owner", owner);
        assertEquals(0, release.exitCode(), release.err());
        assertEquals(0, cli("stuck", "--json").json().get("records").size());
        assertEquals(1, cli("inspect", "--function", "payment-api", "--operation", "http", "--key",
                KILLED_PAYMENT_KEY).exitCode());
        assertEquals(2, cli("release", "--id", id).exitCode());

        Run unreachable = cli("stats", "--dynamodb-endpoint-url", "http://127.0.0.1:9");
        assertEquals(4, unreachable.exitCode());
        assertTrue(unreachable.err().startsWith("backend error: "), unreachable.err());
    }

    /** One process run. */
    record Run(int exitCode, String out, String err) {
        JsonNode json() throws IOException {
            return new ObjectMapper().readTree(out);
        }
    }

    private static Run cli(String... args) throws Exception {
        String jar = System.getProperty("idempotency.cli.jar");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.put("IDEMPOTENCY_TABLE", TABLE);
        env.put("IDEMPOTENCY_S3_PATH_STYLE", "true");
        env.put("AWS_ENDPOINT_URL_DYNAMODB", AWS.dynamoDb().uri().toString());
        env.put("AWS_ENDPOINT_URL_S3", AWS.s3().uri().toString());
        env.put("AWS_REGION", AWS.s3().region().id());
        env.put("AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY);
        env.put("TZ", "Europe/Paris");
        Path err = Files.createTempFile("cli-err", ".txt");
        builder.redirectError(err.toFile());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        Run run = new Run(process.exitValue(), out, Files.readString(err));
        Files.delete(err);
        System.out.println("$ idempotency-cli " + String.join(" ", args));
        System.out.print(run.err().isEmpty() ? "" : run.err().lines().map(l -> "[stderr] " + l + "\n")
                .reduce("", String::concat));
        System.out.print(run.out());
        System.out.println("[exit " + run.exitCode() + "]");
        System.out.println();
        return run;
    }

    private static APIGatewayProxyRequestEvent apiEvent(String name) throws IOException {
        return LambdaEventSerializers.serializerFor(APIGatewayProxyRequestEvent.class,
                CliJarIntegrationTest.class.getClassLoader()).fromJson(read(name));
    }

    private static String read(String name) throws IOException {
        return Files.readString(Path.of("..", "events", name));
    }
}
