package dev.lambdaidempotency.examples.payment;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

/**
 * The invocation's {@link Context}, passed through the idempotent wrapper to the wrapped handler, which marks it
 * when it really runs. Afterwards, an unmarked context means the response was a replay of a stored result: the
 * wrapper hands the context to the handler only when it executes it.
 *
 * <p>One instance per invocation; not thread-safe. Every {@code Context} method delegates to the real context
 * (or answers "unknown" without one, as in unit tests), so the library still bounds its claim by the invocation's
 * remaining time.
 */
final class ExecutionTrackingContext implements Context {
    private static final LambdaLogger STDOUT = new LambdaLogger() {
        @Override
        public void log(String message) {
            System.out.println(message);
        }

        @Override
        public void log(byte[] message) {
            System.out.println(new String(message, java.nio.charset.StandardCharsets.UTF_8));
        }
    };

    private final Context delegate;
    private boolean executed;

    ExecutionTrackingContext(Context delegate) {
        this.delegate = delegate;
    }

    /**
     * Marks {@code context} as executed, if it is a tracking context.
     *
     * @param context the context the wrapped handler received
     */
    static void markExecuted(Context context) {
        if (context instanceof ExecutionTrackingContext tracking) {
            tracking.executed = true;
        }
    }

    /**
     * Whether the wrapped handler ran with this context.
     *
     * @return false after a replay
     */
    boolean executed() {
        return executed;
    }

    @Override
    public String getAwsRequestId() {
        return delegate == null ? null : delegate.getAwsRequestId();
    }

    @Override
    public String getLogGroupName() {
        return delegate == null ? null : delegate.getLogGroupName();
    }

    @Override
    public String getLogStreamName() {
        return delegate == null ? null : delegate.getLogStreamName();
    }

    @Override
    public String getFunctionName() {
        return delegate == null ? null : delegate.getFunctionName();
    }

    @Override
    public String getFunctionVersion() {
        return delegate == null ? null : delegate.getFunctionVersion();
    }

    @Override
    public String getInvokedFunctionArn() {
        return delegate == null ? null : delegate.getInvokedFunctionArn();
    }

    @Override
    public CognitoIdentity getIdentity() {
        return delegate == null ? null : delegate.getIdentity();
    }

    @Override
    public ClientContext getClientContext() {
        return delegate == null ? null : delegate.getClientContext();
    }

    @Override
    public int getRemainingTimeInMillis() {
        return delegate == null ? 0 : delegate.getRemainingTimeInMillis();
    }

    @Override
    public int getMemoryLimitInMB() {
        return delegate == null ? 0 : delegate.getMemoryLimitInMB();
    }

    @Override
    public LambdaLogger getLogger() {
        return delegate == null || delegate.getLogger() == null ? STDOUT : delegate.getLogger();
    }

    @Override
    public String getTenantId() {
        return delegate == null ? null : delegate.getTenantId();
    }

    @Override
    public String getXrayTraceId() {
        return delegate == null ? null : delegate.getXrayTraceId();
    }
}
