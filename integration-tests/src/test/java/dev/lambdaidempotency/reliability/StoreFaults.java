package dev.lambdaidempotency.reliability;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Injects one kind of fault into one kind of store call, on a real client talking to DynamoDB Local, for a given
 * number of attempts (the SDK's own retries included). Thread-safe.
 *
 * <ul>
 *   <li>{@link Fault#NOT_SENT}: the connection fails before the request leaves (throw in beforeTransmission);</li>
 *   <li>{@link Fault#RESPONSE_LOST}: the request was applied, then the connection dropped before the response was
 *       read (throw in afterTransmission), so the SDK retries an already-applied conditional write;</li>
 *   <li>{@link Fault#THROTTLED}: one attempt fails with a ThrottlingException (400) before it is sent, so nothing
 *       is applied;</li>
 *   <li>{@link Fault#THROTTLED_RESPONSE}: DynamoDB answers every attempt of one SDK call with a real 400
 *       ThrottlingException response and applies nothing (the call is rewritten into a harmless ListTables on its
 *       way out, once per call as the SDK marshals once, and each answer into a throttling error on its way back,
 *       so the SDK's own error parsing and throttling retries run). Counted per call, not per attempt;</li>
 *   <li>{@link Fault#TIMEOUT_NOT_SENT}: the attempt hangs before it is sent until the SDK's attempt time-out
 *       fires;</li>
 *   <li>{@link Fault#TIMEOUT_AFTER_APPLY}: the request was applied, then the attempt hangs until the time-out fires.
 *       </li>
 * </ul>
 */
final class StoreFaults implements ExecutionInterceptor {
    /** Which store request. */
    enum StoreCall {
        CLAIM, COMPLETE, RELEASE, OTHER
    }

    /** What goes wrong. */
    enum Fault {
        NOT_SENT, RESPONSE_LOST, THROTTLED, THROTTLED_RESPONSE, TIMEOUT_NOT_SENT, TIMEOUT_AFTER_APPLY;

        boolean applied() {
            return this == RESPONSE_LOST || this == TIMEOUT_AFTER_APPLY;
        }

        boolean timeout() {
            return this == TIMEOUT_NOT_SENT || this == TIMEOUT_AFTER_APPLY;
        }
    }

    private static final ExecutionAttribute<Boolean> THROTTLE = new ExecutionAttribute<>("reliability.throttle");
    private static final String THROTTLING_BODY = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
            + "ThrottlingException\",\"message\":\"Rate of requests exceeds the allowed throughput.\"}";

    private volatile StoreCall target = StoreCall.OTHER;
    private volatile Fault fault;
    private final AtomicInteger remaining = new AtomicInteger();
    private final AtomicInteger injected = new AtomicInteger();
    private final Map<StoreCall, AtomicInteger> attempts = new EnumMap<>(StoreCall.class);

    StoreFaults() {
        for (StoreCall call : StoreCall.values()) {
            attempts.put(call, new AtomicInteger());
        }
    }

    /** Injects {@code fault} into the next {@code times} attempts of {@code call}. */
    StoreFaults inject(StoreCall call, Fault fault, int times) {
        this.fault = fault;
        this.remaining.set(times);
        this.injected.set(0);
        this.target = call;
        return this;
    }

    /** Stops injecting. */
    void heal() {
        target = StoreCall.OTHER;
        remaining.set(0);
    }

    /** Faults injected since the last {@link #inject}. */
    int injected() {
        return injected.get();
    }

    /** Attempts sent (or about to be) for {@code call} since creation. */
    int attempts(StoreCall call) {
        return attempts.get(call).get();
    }

    static StoreCall classify(SdkRequest request) {
        if (request instanceof PutItemRequest put) {
            AttributeValue status = put.item().get("status");
            if (status != null && "IN_PROGRESS".equals(status.s())) {
                return StoreCall.CLAIM;
            }
            if (status != null && "COMPLETED".equals(status.s())) {
                return StoreCall.COMPLETE;
            }
        }
        if (request instanceof DeleteItemRequest) {
            return StoreCall.RELEASE;
        }
        return StoreCall.OTHER;
    }

    private boolean take(Context.BeforeExecution context, Fault at) {
        StoreCall call = classify(context.request());
        if (call != target || fault != at) {
            return false;
        }
        while (true) {
            int left = remaining.get();
            if (left <= 0) {
                return false;
            }
            if (remaining.compareAndSet(left, left - 1)) {
                injected.incrementAndGet();
                return true;
            }
        }
    }

    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        if (take(context, Fault.THROTTLED_RESPONSE)) {
            attributes.putAttribute(THROTTLE, true);
            return context.httpRequest().toBuilder()
                    .putHeader("X-Amz-Target", "DynamoDB_20120810.ListTables")
                    .build();
        }
        attributes.putAttribute(THROTTLE, false);
        return context.httpRequest();
    }

    @Override
    public Optional<RequestBody> modifyHttpContent(Context.ModifyHttpRequest context,
            ExecutionAttributes attributes) {
        if (Boolean.TRUE.equals(attributes.getAttribute(THROTTLE))) {
            return Optional.of(RequestBody.fromString("{}"));
        }
        return context.requestBody();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        attempts.get(classify(context.request())).incrementAndGet();
        if (take(context, Fault.NOT_SENT)) {
            throw SdkClientException.builder().message("injected: connection refused before sending")
                    .cause(new ConnectException("injected: connection refused")).build();
        }
        if (take(context, Fault.THROTTLED)) {
            throw DynamoDbException.builder()
                    .message("injected: Rate of requests exceeds the allowed throughput.")
                    .statusCode(400)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").serviceName("DynamoDb")
                            .errorMessage("injected: Rate of requests exceeds the allowed throughput.").build())
                    .build();
        }
        if (take(context, Fault.TIMEOUT_NOT_SENT)) {
            hangUntilTimedOut();
        }
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        if (take(context, Fault.RESPONSE_LOST)) {
            throw SdkClientException.builder().message("injected: connection reset after the request was applied")
                    .cause(new SocketException("injected: connection reset")).build();
        }
        if (take(context, Fault.TIMEOUT_AFTER_APPLY)) {
            hangUntilTimedOut();
        }
    }

    @Override
    public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        if (Boolean.TRUE.equals(attributes.getAttribute(THROTTLE))) {
            return context.httpResponse().toBuilder()
                    .statusCode(400)
                    .statusText("Bad Request")
                    .removeHeader("x-amz-crc32")
                    .putHeader("x-amzn-ErrorType", "ThrottlingException")
                    .putHeader("Content-Length", Integer.toString(THROTTLING_BODY.length()))
                    .build();
        }
        return context.httpResponse();
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
            ExecutionAttributes attributes) {
        if (Boolean.TRUE.equals(attributes.getAttribute(THROTTLE))) {
            context.responseBody().ifPresent(StoreFaults::drain);
            return Optional.of(new ByteArrayInputStream(THROTTLING_BODY.getBytes(StandardCharsets.UTF_8)));
        }
        return context.responseBody();
    }

    private static void drain(InputStream in) {
        try (in) {
            in.readAllBytes();
        } catch (IOException ignored) {
            // the original ListTables answer is discarded either way
        }
    }

    /** Blocks until the SDK's attempt time-out interrupts this thread; fails loudly if it never does. */
    private static void hangUntilTimedOut() {
        try {
            if (!new CountDownLatch(1).await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the SDK's attempt time-out never fired");
            }
        } catch (InterruptedException timedOut) {
            Thread.currentThread().interrupt();
            throw SdkClientException.builder().message("injected hang interrupted by the attempt time-out")
                    .cause(timedOut).build();
        }
    }
}
