package dev.lambdaidempotency.http.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import dev.lambdaidempotency.http.AsyncDispatcher;
import dev.lambdaidempotency.http.AsyncHandOver;
import java.util.Objects;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * Hands accepted work to the function itself: an {@code Invoke} with {@code InvocationType=Event} of the accepting
 * invocation's own function ARN ({@link Context#getInvokedFunctionArn()}: same version or alias), carrying the request
 * event marked with its claim ({@link AsyncHandOver#invocationPayload()}). Lambda queues the event and retries it
 * twice when the worker invocation fails; the core's fence makes a duplicate or a retry after completion a no-op.
 *
 * <p>The function's role needs {@code lambda:InvokeFunction} on itself, and the request must fit the payload limit
 * of an asynchronous invocation (256 KB when this was written). This class is immutable and thread-safe.
 *
 * <pre>{@code
 * AsyncMode.builder(LambdaSelfInvokeDispatcher.create(LambdaClient.create())).build()
 * }</pre>
 */
public final class LambdaSelfInvokeDispatcher implements AsyncDispatcher {
    private final LambdaClient client;

    private LambdaSelfInvokeDispatcher(LambdaClient client) {
        this.client = client;
    }

    /**
     * A dispatcher invoking through {@code client}.
     *
     * @param client the Lambda client (create it once, at init)
     * @return the dispatcher
     */
    public static LambdaSelfInvokeDispatcher create(LambdaClient client) {
        return new LambdaSelfInvokeDispatcher(Objects.requireNonNull(client, "client"));
    }

    /**
     * Invokes the accepting function asynchronously with the hand-over's payload.
     *
     * @param handOver the work
     * @param context  the accepting invocation's context (required: it names the function)
     * @throws IllegalStateException when there is no context, or Lambda did not queue the event (status not 202)
     * @throws software.amazon.awssdk.core.exception.SdkException when the call fails
     */
    @Override
    public void dispatch(AsyncHandOver handOver, Context context) {
        if (context == null || context.getInvokedFunctionArn() == null) {
            throw new IllegalStateException("a self-invoke needs the Lambda context of the accepting invocation");
        }
        InvokeResponse response = client.invoke(request -> request.functionName(context.getInvokedFunctionArn())
                .invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromByteArrayUnsafe(handOver.invocationPayload())));
        if (response.statusCode() == null || response.statusCode() != 202) {
            throw new IllegalStateException("Lambda did not queue the hand-over (status " + response.statusCode()
                    + ")");
        }
    }

    @Override
    public String toString() {
        return "LambdaSelfInvokeDispatcher";
    }
}
