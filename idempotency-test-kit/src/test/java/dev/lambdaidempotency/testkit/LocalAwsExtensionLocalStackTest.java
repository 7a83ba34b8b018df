package dev.lambdaidempotency.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * What a build shows when LocalStack is asked for but missing: each LocalStack class fails (or is skipped) once,
 * with one line, and the environment is looked at once per run. Runs two LocalStack classes (static nested, so that
 * the build does not run them on their own) through the Jupiter engine.
 */
class LocalAwsExtensionLocalStackTest {
    private static final AtomicInteger DECISIONS = new AtomicInteger();
    private static volatile Supplier<LocalStackSource> scenario;

    /**
     * What {@link LocalAwsExtension#localStack()} makes, with this test's environment and no Docker; skipped when a
     * build selects a nested class directly (e.g. {@code -Dtest=dev.lambdaidempotency.testkit.**}).
     */
    private static LocalAwsExtension localStack() {
        return new LocalAwsExtension(() -> {
            DECISIONS.incrementAndGet();
            Supplier<LocalStackSource> current = scenario;
            return current == null ? new LocalStackSource.Skip("runs only through LocalAwsExtensionLocalStackTest")
                    : current.get();
        });
    }

    static final class FirstLocalStackClass {
        @RegisterExtension
        static final LocalAwsExtension aws = localStack();

        @Test
        void one() {
            aws.dynamoDbClient().listTables();
        }

        @Test
        void two() {
            aws.s3Client().listBuckets();
        }
    }

    static final class SecondLocalStackClass {
        @RegisterExtension
        static final LocalAwsExtension aws = localStack();

        @Test
        void three() {
            aws.dynamoDbClient().listTables();
        }
    }

    private static EngineExecutionResults run(Map<String, String> environment) {
        DECISIONS.set(0);
        scenario = () -> LocalStackSource.choose(environment, () -> false, LocalStackHealth::problem);
        try {
            return EngineTestKit.engine("junit-jupiter")
                    .selectors(selectClass(FirstLocalStackClass.class), selectClass(SecondLocalStackClass.class))
                    .execute();
        } finally {
            scenario = null;
        }
    }

    private static String deadEndpoint() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    @Test
    void aDeadEndpointFailsEachClassOnceWithOneLineAndNoTestRuns() throws IOException {
        String endpoint = deadEndpoint();

        EngineExecutionResults events = run(Map.of("LOCALSTACK_ENDPOINT", endpoint));

        assertEquals(0, events.testEvents().started().count());
        List<Throwable> failures = events.containerEvents().failed().stream()
                .map(LocalAwsExtensionLocalStackTest::cause).toList();
        assertEquals(2, failures.size(), "one failure per LocalStack class");
        for (Throwable failure : failures) {
            assertInstanceOf(LocalStackUnavailableException.class, failure);
            assertEquals("LOCALSTACK_ENDPOINT=" + endpoint + " does not answer (connection refused): start "
                    + "LocalStack there (in this repository: scripts/localstack.sh up) or unset LOCALSTACK_ENDPOINT",
                    failure.getMessage());
            assertEquals(0, failure.getStackTrace().length, "no stack trace to scroll past");
        }
        assertEquals(1, DECISIONS.get(), "the endpoint is probed once per run, not per class");
    }

    @Test
    void withoutLocalStackEachClassIsSkippedWithTheReason() {
        EngineExecutionResults events = run(Map.of());

        assertEquals(0, events.testEvents().started().count());
        List<String> reasons = events.containerEvents().skipped().stream()
                .map(event -> event.getPayload(String.class).orElseThrow()).toList();
        assertEquals(2, reasons.size());
        reasons.forEach(reason -> assertEquals("LocalStack is not available: no Docker engine was found and "
                + "LOCALSTACK_ENDPOINT is not set (set it to a running LocalStack, e.g. http://127.0.0.1:4566; "
                + "REQUIRE_LOCALSTACK=true turns this skip into a failure)", reason));
        assertEquals(0, events.containerEvents().failed().count());
    }

    @Test
    void requiredLocalStackFailsInsteadOfSkipping() {
        EngineExecutionResults events = run(Map.of("REQUIRE_LOCALSTACK", "true"));

        assertEquals(0, events.containerEvents().skipped().count());
        assertEquals(2, events.containerEvents().failed().count());
        events.containerEvents().failed().stream().map(LocalAwsExtensionLocalStackTest::cause).forEach(failure ->
                assertEquals(LocalStackUnavailableException.class, failure.getClass()));
    }

    private static Throwable cause(Event event) {
        return event.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    }
}
