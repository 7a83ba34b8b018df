package dev.lambdaidempotency.testkit;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A Lambda {@link Context} for tests and local runs. Its invocation deadline is measured on a clock (usually a
 * {@link MutableClock}; the system clock for a local runner), as Lambda measures it on the wall clock:
 * {@code getRemainingTimeInMillis()} is the time left until the deadline, which is what bounds the library's
 * in-progress claims. Each context has a fresh request id; the function name (default {@code test}), memory size and
 * logger (default: standard error) can be replaced with the {@code with...} copies. Immutable.
 */
public final class TestLambdaContext implements Context {
    private static final LambdaLogger STDERR = new LambdaLogger() {
        @Override
        public void log(String message) {
            System.err.println(message);
        }

        @Override
        public void log(byte[] message) {
            log(new String(message, StandardCharsets.UTF_8));
        }
    };

    private final Clock clock;
    private final Instant deadline;
    private final String requestId;
    private final String functionName;
    private final int memoryLimitInMB;
    private final LambdaLogger logger;

    private TestLambdaContext(Clock clock, Instant deadline, String requestId, String functionName,
            int memoryLimitInMB, LambdaLogger logger) {
        this.clock = clock;
        this.deadline = deadline;
        this.requestId = requestId;
        this.functionName = functionName;
        this.memoryLimitInMB = memoryLimitInMB;
        this.logger = logger;
    }

    private TestLambdaContext(Clock clock, Instant deadline) {
        this(clock, deadline, UUID.randomUUID().toString(), "test", 512, STDERR);
    }

    /**
     * A context for an invocation that may run for {@code timeout} from now on {@code clock}.
     *
     * @param clock   the clock the library also uses
     * @param timeout the time left
     * @return the context
     */
    public static TestLambdaContext remaining(Clock clock, Duration timeout) {
        return new TestLambdaContext(clock, clock.instant().plus(timeout));
    }

    /**
     * A context that always reports {@code remainingMillis} left (the clock never moves it).
     *
     * @param remainingMillis the time left, in milliseconds
     * @return the context
     */
    public static TestLambdaContext fixed(int remainingMillis) {
        Instant epoch = Instant.EPOCH;
        return new TestLambdaContext(Clock.fixed(epoch, java.time.ZoneOffset.UTC), epoch.plusMillis(remainingMillis));
    }

    /**
     * A copy for another function (its log group and ARN follow the name).
     *
     * @param functionName the function's name
     * @return the copy, with the same request id and deadline
     */
    public TestLambdaContext withFunctionName(String functionName) {
        return new TestLambdaContext(clock, deadline, requestId, Objects.requireNonNull(functionName, "functionName"),
                memoryLimitInMB, logger);
    }

    /**
     * A copy with another memory size.
     *
     * @param memoryLimitInMB what {@link #getMemoryLimitInMB()} answers
     * @return the copy, with the same request id and deadline
     */
    public TestLambdaContext withMemoryLimitInMB(int memoryLimitInMB) {
        return new TestLambdaContext(clock, deadline, requestId, functionName, memoryLimitInMB, logger);
    }

    /**
     * A copy whose {@link #getLogger()} is {@code logger} (e.g. one that keeps the lines for display).
     *
     * @param logger the logger
     * @return the copy, with the same request id and deadline
     */
    public TestLambdaContext withLogger(LambdaLogger logger) {
        return new TestLambdaContext(clock, deadline, requestId, functionName, memoryLimitInMB,
                Objects.requireNonNull(logger, "logger"));
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, Duration.between(clock.instant(), deadline).toMillis());
    }

    /**
     * When the invocation times out.
     *
     * @return the deadline
     */
    public Instant deadline() {
        return deadline;
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "test";
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:000000000000:function:" + functionName;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getMemoryLimitInMB() {
        return memoryLimitInMB;
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }
}
