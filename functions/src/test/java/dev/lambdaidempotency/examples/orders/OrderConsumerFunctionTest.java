package dev.lambdaidempotency.examples.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.lambdaidempotency.examples.TestWiring;
import dev.lambdaidempotency.testkit.InMemoryIdempotencyStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OrderConsumerFunctionTest {
    private final List<String> fulfilled = new ArrayList<>();
    private final SimulatedFulfilment simulated = new SimulatedFulfilment(Clock.systemUTC());
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private volatile OrderFulfilment fulfilment = order -> {
        if (failing.contains(order.orderId())) {
            throw new IllegalStateException("warehouse unavailable");
        }
        synchronized (fulfilled) {
            fulfilled.add(order.orderId());
        }
        return simulated.fulfil(order);
    };
    private final OrderConsumerFunction function = new OrderConsumerFunction(
            TestWiring.inMemory(new InMemoryIdempotencyStore(), null), order -> fulfilment.fulfil(order));

    @Test
    void duplicateInTheSameBatchIsSkippedNotFailed() {
        SQSBatchResponse response = function.handleRequest(batch(message("m1", order("ord-1", 2)),
                message("m2", order("ord-2", 1)), message("m3", order("ord-1", 2))), null);
        assertEquals(List.of(), failures(response));
        assertEquals(List.of("ord-1", "ord-2"), fulfilled);
    }

    @Test
    void redeliveredBatchIsSkippedEntirely() {
        SQSEvent batch = batch(message("m1", order("ord-1", 2)), message("m2", order("ord-2", 1)));
        function.handleRequest(batch, null);
        SQSBatchResponse again = function.handleRequest(batch, null);
        assertEquals(List.of(), failures(again));
        assertEquals(List.of("ord-1", "ord-2"), fulfilled);
    }

    @Test
    void keyIsTheOrderIdNotTheMessageId() {
        function.handleRequest(batch(message("m1", order("ord-1", 2))), null);
        function.handleRequest(batch(message("another-message-id", order("ord-1", 2))), null);
        assertEquals(List.of("ord-1"), fulfilled);
    }

    @Test
    void onlyTheFailedRecordIsReportedAndItsRetryRuns() {
        failing.add("ord-2");
        SQSBatchResponse response = function.handleRequest(batch(message("m1", order("ord-1", 1)),
                message("m2", order("ord-2", 1)), message("m3", order("ord-3", 1))), null);
        assertEquals(List.of("m2"), failures(response));

        failing.clear();
        SQSBatchResponse retry = function.handleRequest(batch(message("m2", order("ord-2", 1))), null);
        assertEquals(List.of(), failures(retry));
        assertEquals(List.of("ord-1", "ord-3", "ord-2"), fulfilled);
    }

    @Test
    void inProgressDuplicateIsReportedForRetry() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        OrderFulfilment normal = fulfilment;
        fulfilment = order -> {
            if (order.orderId().equals("ord-1")) {
                entered.countDown();
                awaitRelease(release);
            }
            return normal.fulfil(order);
        };
        CompletableFuture<SQSBatchResponse> first = CompletableFuture.supplyAsync(
                () -> function.handleRequest(batch(message("m1", order("ord-1", 1))), null));
        assertTrue(entered.await(10, TimeUnit.SECONDS));

        SQSBatchResponse concurrent = function.handleRequest(batch(message("m2", order("ord-1", 1)),
                message("m3", order("ord-2", 1))), null);
        release.countDown();

        assertEquals(List.of("m2"), failures(concurrent));
        assertEquals(List.of(), failures(first.get(10, TimeUnit.SECONDS)));
        assertEquals(List.of(), failures(function.handleRequest(batch(message("m2", order("ord-1", 1))), null)));
        assertEquals(List.of("ord-2", "ord-1"), fulfilled);
    }

    @Test
    void unreadableMessagesAndReusedOrderIdsAreReported() {
        function.handleRequest(batch(message("m1", order("ord-1", 1))), null);
        SQSBatchResponse response = function.handleRequest(batch(message("bad-json", "{oops"),
                message("no-id", "{\"customerId\":\"c\"}"), message("changed", order("ord-1", 5))), null);
        assertEquals(List.of("bad-json", "no-id", "changed"), failures(response));
        assertEquals(List.of("ord-1"), fulfilled);
    }

    @Test
    void emptyEventHasNoFailures() {
        assertEquals(List.of(), failures(function.handleRequest(new SQSEvent(), null)));
    }

    static String order(String id, int quantity) {
        return "{\"orderId\":\"" + id + "\",\"customerId\":\"cus_1\",\"currency\":\"EUR\",\"lines\":[{\"sku\":"
                + "\"SKU-1\",\"quantity\":" + quantity + ",\"unitPrice\":1299}]}";
    }

    static SQSEvent.SQSMessage message(String id, String body) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(id);
        message.setBody(body);
        return message;
    }

    static SQSEvent batch(SQSEvent.SQSMessage... messages) {
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(messages));
        return event;
    }

    static List<String> failures(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .toList();
    }

    private static void awaitRelease(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
