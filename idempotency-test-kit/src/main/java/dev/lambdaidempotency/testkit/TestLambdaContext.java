package dev.lambdaidempotency.testkit;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A Lambda {@link Context} for tests. Its invocation deadline is measured on a clock (usually a {@link MutableClock}),
 * as Lambda measures it on the wall clock: {@code getRemainingTimeInMillis()} is the time left until the deadline,
 * which is what bounds the library's in-progress claims.
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
    private final String requestId = UUID.randomUUID().toString();

    private TestLambdaContext(Clock clock, Instant deadline) {
        this.clock = clock;
        this.deadline = deadline;
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
        return "/aws/lambda/test";
    }

    @Override
    public String getLogStreamName() {
        return "test";
    }

    @Override
    public String getFunctionName() {
        return "test";
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:000000000000:function:test";
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
        return 512;
    }

    @Override
    public LambdaLogger getLogger() {
        return STDERR;
    }
}
