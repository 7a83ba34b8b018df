package dev.lambdaidempotency.http;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Hands the work of an accepted request (see {@link AsyncMode}) to whatever runs it after the {@code 202}: the function
 * itself, invoked asynchronously ({@link dev.lambdaidempotency.http.lambda.LambdaSelfInvokeDispatcher}), or this JVM
 * ({@link #inProcess(Executor)}, for tests and local runs).
 *
 * <p>A dispatcher only transports: the claim the request took is fenced by the core, so a hand-over delivered twice
 * runs the work once, and one never delivered leaves the key claimed only until the {@linkplain
 * AsyncMode.Builder#lease(java.time.Duration) lease} lapses (the next request with the key then claims it and dispatches again).
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface AsyncDispatcher {

    /**
     * Sends {@code handOver} on its way. Called inside the request that claimed the key, before it answers
     * {@code 202}; a dispatcher that throws releases the claim and the request is answered {@code 503} (retry with
     * the same key).
     *
     * @param handOver the work to run
     * @param context  the Lambda context of the accepting request, or {@code null} outside Lambda
     * @throws RuntimeException when the hand-over could not be sent
     */
    void dispatch(AsyncHandOver handOver, Context context);

    /**
     * A dispatcher that runs the work in this JVM on {@code executor} (with no Lambda context: the core's
     * {@code inProgressLease} bounds the worker's hand-over). With an executor that queues the tasks, a test decides
     * exactly when the work runs; with {@code Runnable::run} it runs before the {@code 202} is returned. Never in a
     * deployed function: Lambda freezes the execution environment once the response is returned.
     *
     * @param executor runs the work
     * @return the dispatcher
     */
    static AsyncDispatcher inProcess(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        return (handOver, context) -> executor.execute(() -> handOver.run(null));
    }
}
