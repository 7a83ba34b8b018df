package dev.lambdaidempotency.it;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Injects failures into a real SDK client: while a rule is armed, every attempt of a matching request fails, either
 * before it is sent ({@link Phase#BEFORE_SEND}: the service never sees it) or after the service applied it
 * ({@link Phase#AFTER_APPLIED}: the response is lost). Also records the headers of the requests it saw.
 */
final class FaultInterceptor implements ExecutionInterceptor {

    enum Phase { BEFORE_SEND, AFTER_APPLIED }

    private record Rule(String operation, Predicate<SdkRequest> matches, Phase phase) {
    }

    private final Map<String, Rule> rules = new ConcurrentHashMap<>();
    private final AtomicInteger injected = new AtomicInteger();
    private final Map<String, SdkHttpRequest> lastHttpRequest = new ConcurrentHashMap<>();

    /** Fails every matching request of {@code operation} from now on. */
    void arm(String operation, Phase phase, Predicate<SdkRequest> matches) {
        rules.put(operation, new Rule(operation, matches, phase));
    }

    void arm(String operation, Phase phase) {
        arm(operation, phase, request -> true);
    }

    void disarm() {
        rules.clear();
    }

    int injected() {
        return injected.get();
    }

    SdkHttpRequest lastHttpRequest(String operation) {
        return lastHttpRequest.get(operation);
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        lastHttpRequest.put(operation, context.httpRequest());
        fail(Phase.BEFORE_SEND, operation, context.request());
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        fail(Phase.AFTER_APPLIED, attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), context.request());
    }

    private void fail(Phase phase, String operation, SdkRequest request) {
        Rule rule = rules.get(operation);
        if (rule != null && rule.phase() == phase && rule.matches().test(request)) {
            injected.incrementAndGet();
            throw SdkClientException.create("injected fault: " + operation + " " + phase);
        }
    }
}
