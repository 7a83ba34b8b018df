package dev.lambdaidempotency.reliability;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

/** A Lambda context whose only meaningful answer is the remaining time, which bounds the library's claim. */
record RemainingTimeContext(int remainingMillis) implements Context {
    @Override
    public String getAwsRequestId() {
        return "reliability";
    }

    @Override
    public String getLogGroupName() {
        return "reliability";
    }

    @Override
    public String getLogStreamName() {
        return "reliability";
    }

    @Override
    public String getFunctionName() {
        return "reliability";
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:000000000000:function:reliability";
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
        return 512;
    }

    @Override
    public LambdaLogger getLogger() {
        return null;
    }
}
