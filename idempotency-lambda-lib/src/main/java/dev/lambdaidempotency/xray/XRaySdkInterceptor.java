package dev.lambdaidempotency.xray;

import com.amazonaws.xray.AWSXRayRecorder;
import com.amazonaws.xray.interceptors.TracingInterceptor;
import java.util.Objects;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * The X-Ray SDK's {@link TracingInterceptor} for AWS SDK v2 clients, made safe to use outside a trace: each call
 * becomes a subsegment (with operation, region, table or bucket, status and retries) of the current subsegment, so
 * the DynamoDB and S3 requests of the idempotency steps appear as their children. Unlike the bare interceptor, it
 * does nothing when there is no trace to add to, so a client used at init time, in a test or under the
 * {@code RUNTIME_ERROR} context-missing strategy keeps working.
 *
 * <pre>{@code
 * DynamoDbClient client = DynamoDbClient.builder()
 *     .overrideConfiguration(o -> o.addExecutionInterceptor(XRaySdkInterceptor.create(recorder)))
 *     .build();
 * }</pre>
 *
 * <p>Not registered automatically: the library never installs the global instrumentor on its users' clients. Needs
 * {@code com.amazonaws:aws-xray-recorder-sdk-aws-sdk-v2} on the classpath. This class is thread-safe.
 */
public final class XRaySdkInterceptor implements ExecutionInterceptor {
    private static final ExecutionAttribute<Boolean> TRACED =
            new ExecutionAttribute<>("dev.lambdaidempotency.xray.Traced");

    private final XRayIdempotencyTracer guard;
    private final TracingInterceptor delegate;

    private XRaySdkInterceptor(AWSXRayRecorder recorder) {
        this.guard = XRayIdempotencyTracer.create(recorder);
        this.delegate = new TracingInterceptor(recorder, null, null);
    }

    /**
     * An interceptor recording through {@code recorder} (the same recorder as the tracer's).
     *
     * @param recorder the X-Ray recorder
     * @return the interceptor
     */
    public static XRaySdkInterceptor create(AWSXRayRecorder recorder) {
        return new XRaySdkInterceptor(Objects.requireNonNull(recorder, "recorder"));
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (guard.isTracing()) {
            delegate.beforeExecution(context, attributes);
            attributes.putAttribute(TRACED, Boolean.TRUE);
        }
    }

    // The remaining hooks run only for calls that beforeExecution traced: the X-Ray SDK's own hooks (2.20.0) fail
    // with a NullPointerException when no subsegment was stored in the attributes.

    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        return traced(attributes) ? delegate.modifyHttpRequest(context, attributes) : context.httpRequest();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (traced(attributes)) {
            delegate.beforeTransmission(context, attributes);
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (traced(attributes)) {
            delegate.afterExecution(context, attributes);
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (traced(attributes)) {
            delegate.onExecutionFailure(context, attributes);
        }
    }

    private static boolean traced(ExecutionAttributes attributes) {
        return Boolean.TRUE.equals(attributes.getAttribute(TRACED));
    }
}
