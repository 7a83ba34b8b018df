package dev.lambdaidempotency.testkit;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the HTTP requests an SDK client really sends (retries included), by service and operation. Add it to a
 * client with {@code overrideConfiguration(o -> o.addExecutionInterceptor(counter))}. Thread-safe.
 */
public final class RequestCounter implements ExecutionInterceptor {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String key = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /**
     * Requests sent so far.
     *
     * @return the total over all operations
     */
    public long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /**
     * Requests sent for one operation.
     *
     * @param operation e.g. {@code PutItem}, {@code GetObject}
     * @return the count over all services
     */
    public long count(String operation) {
        return counts.entrySet().stream().filter(e -> e.getKey().endsWith("." + operation))
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    /**
     * All counts so far.
     *
     * @return {@code Service.Operation} to count, sorted
     */
    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    /** Forgets all counts. */
    public void reset() {
        counts.clear();
    }

    @Override
    public String toString() {
        return "RequestCounter" + snapshot();
    }
}
