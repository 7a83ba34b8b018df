package dev.lambdaidempotency.batch;

import static dev.lambdaidempotency.batch.BatchFixtures.failures;
import static dev.lambdaidempotency.batch.BatchFixtures.fifo;
import static dev.lambdaidempotency.batch.BatchFixtures.message;
import static dev.lambdaidempotency.batch.BatchFixtures.order;
import static dev.lambdaidempotency.batch.BatchFixtures.sqs;
import static dev.lambdaidempotency.batch.BatchFixtures.statuses;
import static dev.lambdaidempotency.batch.RecordOutcome.Status.DUPLICATE;
import static dev.lambdaidempotency.batch.RecordOutcome.Status.FAILED;
import static dev.lambdaidempotency.batch.RecordOutcome.Status.IN_PROGRESS;
import static dev.lambdaidempotency.batch.RecordOutcome.Status.NOT_ATTEMPTED;
import static dev.lambdaidempotency.batch.RecordOutcome.Status.PROCESSED;
import static dev.lambdaidempotency.batch.RecordOutcome.Status.REJECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.lambdaidempotency.Execution;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.IdempotencyPayloadMismatchException;
import dev.lambdaidempotency.Redaction;
import dev.lambdaidempotency.batch.BatchFixtures.Confirmation;
import dev.lambdaidempotency.batch.BatchFixtures.Order;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SQS adapter on DynamoDB Local: duplicates, partial batch responses, in-progress keys, FIFO, bad bodies. */
class SqsBatchIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    private final BatchFixtures fixtures = new BatchFixtures(aws);
    private final List<String> processed = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final AtomicInteger runs = new AtomicInteger();
    private final BatchHandler<SQSEvent, SQSBatchResponse, Confirmation> orders = IdempotentBatch
            .sqs(fixtures.idempotency, Order.class).keyedBy(Order::orderId)
            .process(Confirmation.class, (order, context) -> fulfil(order));

    private Confirmation fulfil(Order order) {
        if (failing.contains(order.orderId())) {
            throw new IllegalStateException("warehouse unavailable for " + order.orderId());
        }
        processed.add(order.orderId());
        return new Confirmation(order.orderId(), runs.incrementAndGet());
    }

    @Test
    void aDuplicateInTheSameBatchIsSkippedWithTheFirstResult() {
        BatchReport<SQSBatchResponse, Confirmation> report = orders.processBatch(sqs(message("m1", order("o-1", 2)),
                message("m2", order("o-2", 1)), message("m3", order("o-1", 2))), fixtures.context());

        assertEquals(List.of(), failures(report.response()));
        assertEquals(List.of("o-1", "o-2"), processed);
        assertEquals(List.of(PROCESSED, PROCESSED, DUPLICATE), statuses(report));
        RecordOutcome<Confirmation> duplicate = report.outcomes().get(2);
        assertEquals("m3", duplicate.itemIdentifier());
        assertEquals("o-1", duplicate.key());
        assertEquals(new Confirmation("o-1", 1), duplicate.result(), "the first execution's result, replayed");
        assertEquals(Execution.Kind.REPLAYED, duplicate.execution().kind());
        assertEquals(fixtures.clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                duplicate.execution().recordedAt());
        assertEquals(Execution.Kind.EXECUTED, report.outcomes().get(0).execution().kind());
        assertEquals(false, duplicate.reported());
    }

    @Test
    void aRedeliveredBatchIsSkippedEntirely() {
        SQSEvent batch = sqs(message("m1", order("o-1", 2)), message("m2", order("o-2", 1)));
        orders.processBatch(batch, fixtures.context());
        fixtures.clock.advance(Duration.ofMinutes(5));

        BatchReport<SQSBatchResponse, Confirmation> again = orders.processBatch(batch, fixtures.context());

        assertEquals(List.of(), failures(again.response()));
        assertEquals(List.of(DUPLICATE, DUPLICATE), statuses(again));
        assertEquals(List.of("o-1", "o-2"), processed);
        assertEquals(fixtures.clock.instant().minus(Duration.ofMinutes(5)).truncatedTo(
                java.time.temporal.ChronoUnit.SECONDS), again.outcomes().get(0).execution().recordedAt());
    }

    @Test
    void theDefaultKeyIsTheMessageId() {
        BatchHandler<SQSEvent, SQSBatchResponse, Confirmation> byMessageId = IdempotentBatch
                .sqs(fixtures.idempotency, Order.class).operation("by-message-id")
                .process(Confirmation.class, (order, context) -> fulfil(order));

        BatchReport<SQSBatchResponse, Confirmation> report = byMessageId.processBatch(sqs(
                message("m1", order("o-1", 1)), message("m2", order("o-1", 1)), message("m1", order("o-1", 1))),
                fixtures.context());

        assertEquals(List.of(PROCESSED, PROCESSED, DUPLICATE), statuses(report));
        assertEquals("m1", report.outcomes().get(0).key());
        assertEquals(List.of("o-1", "o-1"), processed, "one run per message id");
    }

    @Test
    void aKeyPathSelectsTheKeyInTheBody() {
        BatchHandler<SQSEvent, SQSBatchResponse, Void> byPath = IdempotentBatch.sqs(fixtures.idempotency,
                String.class).keyPath("order.ids[1]").operation("by-path")
                .process((body, context) -> processed.add(body));

        BatchReport<SQSBatchResponse, Void> report = byPath.processBatch(sqs(
                message("m1", "{\"order\":{\"ids\":[\"a\",\"b\"]}}"),
                message("m2", "{\"order\":{\"ids\":[\"a\",\"b\"]}}"),
                message("m3", "{\"order\":{\"ids\":[\"a\"]}}"), message("m4", "not json")), fixtures.context());

        assertEquals(List.of(PROCESSED, DUPLICATE, REJECTED, REJECTED), statuses(report));
        assertEquals("b", report.outcomes().get(0).key());
        assertEquals(List.of("m3", "m4"), failures(report.response()));
        assertEquals(1, processed.size());
        assertThrows(IllegalArgumentException.class, () -> IdempotentBatch.sqs(fixtures.idempotency, String.class)
                .keyPath("order..id"));
    }

    @Test
    void onlyFailedRecordsAreReportedAndTheirRetryRuns() {
        failing.add("o-2");
        BatchReport<SQSBatchResponse, Confirmation> report = orders.processBatch(sqs(message("m1", order("o-1", 1)),
                message("m2", order("o-2", 1)), message("m3", order("o-3", 1))), fixtures.context());

        assertEquals(List.of("m2"), failures(report.response()));
        assertEquals(List.of(PROCESSED, FAILED, PROCESSED), statuses(report));
        RecordOutcome<Confirmation> failed = report.outcomes().get(1);
        assertInstanceOf(IllegalStateException.class, failed.failure(), "the processor's own exception");
        assertTrue(failed.reported());

        failing.clear();
        BatchReport<SQSBatchResponse, Confirmation> retry = orders.processBatch(sqs(message("m1", order("o-1", 1)),
                message("m2", order("o-2", 1))), fixtures.context());
        assertEquals(List.of(), failures(retry.response()));
        assertEquals(List.of(DUPLICATE, PROCESSED), statuses(retry));
        assertEquals(List.of("o-1", "o-3", "o-2"), processed);
    }

    @Test
    void aRecordInProgressElsewhereIsReportedAndLaterSkipped() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BatchHandler<SQSEvent, SQSBatchResponse, Confirmation> slow = IdempotentBatch
                .sqs(fixtures.idempotency, Order.class).keyedBy(Order::orderId)
                .process(Confirmation.class, (order, context) -> {
                    if (order.orderId().equals("o-1")) {
                        entered.countDown();
                        assertTrue(release.await(10, TimeUnit.SECONDS), "released");
                    }
                    return fulfil(order);
                });
        CompletableFuture<BatchReport<SQSBatchResponse, Confirmation>> first = CompletableFuture.supplyAsync(
                () -> slow.processBatch(sqs(message("m1", order("o-1", 1))), fixtures.context()));
        assertTrue(entered.await(10, TimeUnit.SECONDS));

        BatchReport<SQSBatchResponse, Confirmation> concurrent = slow.processBatch(sqs(
                message("m2", order("o-1", 1)), message("m3", order("o-2", 1))), fixtures.context());
        release.countDown();

        assertEquals(List.of("m2"), failures(concurrent.response()));
        assertEquals(List.of(IN_PROGRESS, PROCESSED), statuses(concurrent));
        assertInstanceOf(IdempotencyInProgressException.class, concurrent.outcomes().get(0).failure());
        assertEquals(List.of(), failures(first.get(10, TimeUnit.SECONDS).response()));
        BatchReport<SQSBatchResponse, Confirmation> redelivered = slow.processBatch(sqs(
                message("m2", order("o-1", 1))), fixtures.context());
        assertEquals(List.of(DUPLICATE), statuses(redelivered));
        assertEquals(List.of("o-2", "o-1"), processed);
    }

    @Test
    void unreadableBodiesMissingKeysAndReusedKeysAreRejected() {
        orders.processBatch(sqs(message("m1", order("o-1", 1))), fixtures.context());
        SQSEvent.SQSMessage noBody = message("no-body", null);
        BatchReport<SQSBatchResponse, Confirmation> report = orders.processBatch(sqs(message("bad-json", "{oops"),
                message("trailing", order("o-9", 1) + " {}"), message("json-null", "null"),
                message("no-key", "{\"quantity\":1}"), noBody, message("changed", order("o-1", 5)),
                message("fine", order("o-2", 1))), fixtures.context());

        assertEquals(List.of("bad-json", "trailing", "json-null", "no-key", "no-body", "changed"),
                failures(report.response()));
        assertEquals(List.of(REJECTED, REJECTED, REJECTED, REJECTED, REJECTED, REJECTED, PROCESSED),
                statuses(report));
        String unreadable = report.outcomes().get(0).detail();
        assertTrue(unreadable.startsWith("body cannot be read as Order: JsonParseException at line 1"), unreadable);
        assertTrue(!unreadable.contains("oops"), "the logged detail never quotes the body: " + unreadable);
        assertNull(report.outcomes().get(3).key());
        assertInstanceOf(IdempotencyPayloadMismatchException.class, report.outcomes().get(5).failure());
        assertEquals(List.of("o-1", "o-2"), processed);
    }

    @Test
    void fifoStopsAtTheFirstFailureAndReportsEveryLaterRecord() {
        failing.add("o-3");
        orders.processBatch(sqs(message("m0", order("o-2", 1))), fixtures.context());
        BatchReport<SQSBatchResponse, Confirmation> report = orders.processBatch(sqs(fifo(message("m1",
                order("o-1", 1))), fifo(message("m2", order("o-2", 1))), fifo(message("m3", order("o-3", 1))),
                fifo(message("m4", order("o-4", 1))), fifo(message("m5", "{oops"))), fixtures.context());

        assertEquals(List.of("m3", "m4", "m5"), failures(report.response()));
        assertEquals(List.of(PROCESSED, DUPLICATE, FAILED, NOT_ATTEMPTED, NOT_ATTEMPTED), statuses(report),
                "a duplicate is a success and does not stop the batch");
        assertEquals(List.of("o-2", "o-1"), processed, "nothing after the failure ran");
        assertTrue(report.outcomes().get(3).reported());
    }

    @Test
    void fifoIsRecognisedByMessageGroupIdAndStopsAtAnInProgressOrRejectedRecordToo() {
        SQSEvent.SQSMessage grouped = message("m1", "{oops");
        grouped.setEventSourceArn(null);
        grouped.setAttributes(Map.of("MessageGroupId", "customer-1"));
        SQSEvent.SQSMessage next = message("m2", order("o-1", 1));
        next.setEventSourceArn(null);
        next.setAttributes(Map.of("MessageGroupId", "customer-1"));

        BatchReport<SQSBatchResponse, Confirmation> report = orders.processBatch(sqs(grouped, next),
                fixtures.context());

        assertEquals(List.of("m1", "m2"), failures(report.response()));
        assertEquals(List.of(REJECTED, NOT_ATTEMPTED), statuses(report));
        assertEquals(List.of(), processed);
    }

    @Test
    void everyOutcomeReachesTheListenerAndTheLog() {
        List<RecordOutcome<?>> heard = new ArrayList<>();
        BatchHandler<SQSEvent, SQSBatchResponse, Confirmation> listened = IdempotentBatch
                .sqs(fixtures.idempotency, Order.class).keyedBy(Order::orderId).onOutcome(heard::add)
                .process(Confirmation.class, (order, context) -> fulfil(order));
        failing.add("o-3");
        PrintStream stderr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        BatchReport<SQSBatchResponse, Confirmation> report;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));    // TestLambdaContext's logger
        try {
            report = listened.processBatch(sqs(message("m1", order("o-1", 1)), message("m2", order("o-1", 1)),
                    message("m3", order("o-3", 1)), message("m4", "{oops")), fixtures.context());
        } finally {
            System.setErr(stderr);
        }

        assertEquals(report.outcomes(), heard, "the listener hears every outcome, in order");
        assertEquals(1, report.count(PROCESSED));
        assertEquals(1, report.count(DUPLICATE));
        String lines = log.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("record m1: PROCESSED (new key)"), lines);
        assertTrue(lines.contains("record m2: DUPLICATE (already processed at "), lines);
        assertTrue(lines.contains("record m3: FAILED (processing failed: java.lang.IllegalStateException"), lines);
        assertTrue(lines.contains("record m4: REJECTED (body cannot be read as Order"), lines);
        assertTrue(!lines.contains("o-1"), "keys are not logged: " + lines);
    }

    @Test
    void aListenerThatThrowsFailsTheInvocation() {
        RuntimeException boom = new IllegalStateException("listener bug");
        BatchHandler<SQSEvent, SQSBatchResponse, Void> handler = IdempotentBatch.sqs(fixtures.idempotency,
                String.class).operation("listener").logOutcomes(false).onOutcome(outcome -> {
                    throw boom;
                }).process((body, context) -> { });
        assertSame(boom, assertThrows(IllegalStateException.class,
                () -> handler.handleRequest(sqs(message("m1", "x")), fixtures.context())));
    }

    @Test
    void aConsumerWithoutAResultIsStillRunOncePerKey() {
        BatchHandler<SQSEvent, SQSBatchResponse, Void> consumer = IdempotentBatch
                .sqs(fixtures.idempotency, String.class).operation("consume").logOutcomes(false)
                .process((body, context) -> processed.add(body));

        BatchReport<SQSBatchResponse, Void> report = consumer.processBatch(sqs(message("m1", "plain text"),
                message("m1", "plain text")), null);

        assertEquals(List.of(PROCESSED, DUPLICATE), statuses(report));
        assertNull(report.outcomes().get(1).result());
        assertEquals(List.of("plain text"), processed);
    }

    @Test
    void anEmptyOrMissingBatchHasNoFailures() {
        assertEquals(List.of(), failures(orders.handleRequest(new SQSEvent(), fixtures.context())));
        assertEquals(List.of(), failures(orders.handleRequest(null, fixtures.context())));
    }

    @Test
    void aRedactedResultIsWhatADuplicateGets() {
        BatchHandler<SQSEvent, SQSBatchResponse, Confirmation> redacted = IdempotentBatch
                .sqs(fixtures.idempotency, Order.class).keyedBy(Order::orderId).operation("redacted-orders")
                .process(Confirmation.class, Redaction.mask("(redacted)", "orderId"),
                        (order, context) -> fulfil(order));

        BatchReport<SQSBatchResponse, Confirmation> report = redacted.processBatch(sqs(message("m1", order("o-1", 2)),
                message("m2", order("o-1", 2))), fixtures.context());

        assertEquals(List.of(PROCESSED, DUPLICATE), statuses(report));
        assertEquals(new Confirmation("o-1", 1), report.outcomes().get(0).result(), "the live result");
        assertEquals(new Confirmation("(redacted)", 1), report.outcomes().get(1).result(), "the recorded form");
    }

    @Test
    void aRecordWhoseResultNoLongerDecodesIsADuplicateNotAFailureForever() {
        orders.processBatch(sqs(message("m1", order("o-1", 2))), fixtures.context());
        // a deployment changed the result type: the message was processed, only its old result cannot be read
        BatchHandler<SQSEvent, SQSBatchResponse, Integer> changed = IdempotentBatch
                .sqs(fixtures.idempotency, Order.class).keyedBy(Order::orderId)
                .process(Integer.class, (order, context) -> runs.incrementAndGet());

        BatchReport<SQSBatchResponse, Integer> report = changed.processBatch(sqs(message("m1", order("o-1", 2))),
                fixtures.context());

        assertEquals(List.of(DUPLICATE), statuses(report));
        assertEquals(List.of(), failures(report.response()), "not redelivered until the record expires and runs again");
        assertEquals(1, runs.get());
    }
}
