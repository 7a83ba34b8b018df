package dev.lambdaidempotency.benchmarks.function;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;

/**
 * A minimal Lambda {@link Context}: a fixed remaining time, a logger that writes to stderr. Immutable.
 *
 * <p>The one Context double outside the test kit's {@code TestLambdaContext}: this module is the bare baseline
 * (a handler and a DynamoDbClient, what a user deploys without the library), so it depends on neither the library
 * nor the test kit, whose servers would bloat its jar and its cold start. Only {@link ColdStartProbe} uses it, inside
 * the deployed jar; the benchmark runner uses {@code TestLambdaContext}.
 */
final class BenchContext implements Context {
    private final int remainingMillis;

    /**
     * @param remainingMillis what {@link #getRemainingTimeInMillis()} answers
     */
    BenchContext(int remainingMillis) {
        this.remainingMillis = remainingMillis;
    }

    @Override
    public String getAwsRequestId() {
        return "bench-request";
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/bench";
    }

    @Override
    public String getLogStreamName() {
        return "bench";
    }

    @Override
    public String getFunctionName() {
        return "bench";
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:000000000000:function:bench";
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
    public int getRemainingTimeInMillis() {
        return remainingMillis;
    }

    @Override
    public int getMemoryLimitInMB() {
        return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override
            public void log(String message) {
                System.err.println(message);
            }

            @Override
            public void log(byte[] message) {
                System.err.println(new String(message, StandardCharsets.UTF_8));
            }
        };
    }
}
