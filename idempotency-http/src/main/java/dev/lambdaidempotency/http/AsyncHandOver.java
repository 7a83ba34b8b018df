package dev.lambdaidempotency.http;

import com.amazonaws.services.lambda.runtime.Context;

/**
 * The work of one accepted request, as an {@link AsyncDispatcher} receives it: run it here, or send the marked request
 * event to a Lambda function that is wrapped by the same {@link IdempotentHttp} configuration (the function itself).
 * Made by the adapter; immutable and thread-safe.
 */
public interface AsyncHandOver {

    /**
     * The request event as JSON, carrying the claim in the {@value AsyncMode#CLAIM_HEADER} header: the payload of an
     * asynchronous {@code Invoke} of the function. The function's {@link IdempotentHttp} handler recognises the header,
     * removes it before the wrapped handler sees the event, and runs the work under the claim. The claim token is a
     * secret of the system: do not log the payload or send it anywhere but to the function.
     *
     * @return UTF-8 JSON
     */
    byte[] invocationPayload();

    /**
     * Runs the work in this JVM, under the request's claim: the wrapped handler, then the recording of its response
     * (or the release of the claim when it fails).
     *
     * @param context the Lambda context of the invocation running the work, or {@code null}
     * @throws dev.lambdaidempotency.IdempotencyException when the store failed in a way worth retrying the hand-over
     *         for (the work did not run)
     */
    void run(Context context);
}
