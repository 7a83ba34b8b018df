package dev.lambdaidempotency.it.support;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Fails chosen requests of a real client before they are sent (the service never sees them), as a network fault
 * would. Thread-safe.
 */
public final class FaultInjector implements ExecutionInterceptor {
    private final Map<String, Set<Integer>> planned = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

    /**
     * Makes the {@code n}-th attempt of {@code operation} from now on fail.
     *
     * @param operation e.g. {@code PutItem}
     * @param n         1 for the next attempt
     * @return this injector
     */
    public FaultInjector failAttempt(String operation, int n) {
        int base = attempts.computeIfAbsent(operation, k -> new AtomicInteger()).get();
        planned.computeIfAbsent(operation, k -> ConcurrentHashMap.newKeySet()).add(base + n);
        return this;
    }

    /** Forgets every planned fault. */
    public void clear() {
        planned.clear();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        int attempt = attempts.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
        Set<Integer> failing = planned.get(operation);
        if (failing != null && failing.remove(attempt)) {
            throw SdkClientException.create("injected fault: " + operation + " attempt " + attempt
                    + " was not sent");
        }
    }
}
