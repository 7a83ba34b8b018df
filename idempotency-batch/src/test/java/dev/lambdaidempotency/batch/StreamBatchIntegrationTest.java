package dev.lambdaidempotency.batch;

import static dev.lambdaidempotency.batch.BatchFixtures.change;
import static dev.lambdaidempotency.batch.BatchFixtures.dynamoDb;
import static dev.lambdaidempotency.batch.BatchFixtures.failures;
import static dev.lambdaidempotency.batch.BatchFixtures.kinesis;
import static dev.lambdaidempotency.batch.BatchFixtures.order;
import static dev.lambdaidempotency.batch.BatchFixtures.statuses;
import static dev.lambdaidempotency.batch.RecordOutcome.Status.DUPLICATE;
import static dev.lambdaidempotency.batch.RecordOutcome.Status.FAILED;
import static dev.lambdaidempotency.batch.RecordOutcome.Status.NOT_ATTEMPTED;
import static dev.lambdaidempotency.batch.RecordOutcome.Status.PROCESSED;
import static dev.lambdaidempotency.batch.RecordOutcome.Status.REJECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.lambdaidempotency.batch.BatchFixtures.Confirmation;
import dev.lambdaidempotency.batch.BatchFixtures.Order;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kinesis and DynamoDB Streams on DynamoDB Local: processing stops at the first failure and only its sequence number
 * is reported, the checkpoint from which Lambda delivers the rest again.
 */
class StreamBatchIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    private final BatchFixtures fixtures = new BatchFixtures(aws);
    private final List<String> processed = new ArrayList<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();

    private Confirmation fulfil(Order order) {
        if (failing.contains(order.orderId())) {
            throw new IllegalStateException("downstream unavailable");
        }
        processed.add(order.orderId());
        return new Confirmation(order.orderId(), processed.size());
    }

    @Test
    void kinesisReportsTheFirstFailureAsTheCheckpointAndRunsNothingAfterIt() {
        BatchHandler<KinesisEvent, StreamsEventResponse, Confirmation> handler = IdempotentBatch
                .kinesis(fixtures.idempotency, Order.class)
                .process(Confirmation.class, (order, context) -> fulfil(order));
        failing.add("o-2");
        KinesisEvent.KinesisEventRecord r1 = kinesis("100", order("o-1", 1));
        KinesisEvent.KinesisEventRecord r2 = kinesis("200", order("o-2", 1));
        KinesisEvent.KinesisEventRecord r3 = kinesis("300", order("o-3", 1));

        BatchReport<StreamsEventResponse, Confirmation> report = handler.processBatch(kinesis(r1, r2, r3),
                fixtures.context());

        assertEquals(List.of("200"), failures(report.response()), "only the checkpoint");
        assertEquals(List.of(PROCESSED, FAILED, NOT_ATTEMPTED), statuses(report));
        assertFalse(report.outcomes().get(2).reported());
        assertEquals(List.of("o-1"), processed);

        // Lambda delivers again from the checkpoint; a later full redelivery (a retried invocation) is all duplicates
        failing.clear();
        BatchReport<StreamsEventResponse, Confirmation> resumed = handler.processBatch(kinesis(r2, r3),
                fixtures.context());
        assertEquals(List.of(), failures(resumed.response()));
        assertEquals(List.of(PROCESSED, PROCESSED), statuses(resumed));
        BatchReport<StreamsEventResponse, Confirmation> replayed = handler.processBatch(kinesis(r1, r2, r3),
                fixtures.context());
        assertEquals(List.of(DUPLICATE, DUPLICATE, DUPLICATE), statuses(replayed));
        assertEquals(List.of("o-1", "o-2", "o-3"), processed);
        assertEquals("100", report.outcomes().get(0).key(), "without a source ARN, the sequence number alone");
    }

    @Test
    void theDefaultKeyIsTheSequenceNumberWithinItsStream() {
        BatchHandler<KinesisEvent, StreamsEventResponse, Confirmation> handler = IdempotentBatch
                .kinesis(fixtures.idempotency, Order.class).operation("two-streams")
                .process(Confirmation.class, (order, context) -> fulfil(order));
        String east = "arn:aws:kinesis:us-east-1:123456789012:stream/orders";
        String west = "arn:aws:kinesis:us-west-2:123456789012:stream/orders";
        KinesisEvent.KinesisEventRecord fromEast = kinesis("100", order("o-east", 1));
        fromEast.setEventSourceARN(east);
        KinesisEvent.KinesisEventRecord fromWest = kinesis("100", order("o-west", 1));
        fromWest.setEventSourceARN(west);

        BatchReport<StreamsEventResponse, Confirmation> report = handler.processBatch(kinesis(fromEast, fromWest),
                fixtures.context());

        assertEquals(List.of(PROCESSED, PROCESSED), statuses(report), "one sequence number, two streams");
        assertEquals(east + "/100", report.outcomes().get(0).key());
        assertEquals(List.of("o-east", "o-west"), processed);
        assertEquals(List.of(DUPLICATE), statuses(handler.processBatch(kinesis(fromWest), fixtures.context())));
    }

    @Test
    void kinesisDuplicatesByBodyKeyAreSkippedAndUnreadableDataIsTheCheckpoint() {
        BatchHandler<KinesisEvent, StreamsEventResponse, Confirmation> handler = IdempotentBatch
                .kinesis(fixtures.idempotency, Order.class).keyPath("orderId").operation("by-order")
                .process(Confirmation.class, (order, context) -> fulfil(order));

        BatchReport<StreamsEventResponse, Confirmation> report = handler.processBatch(kinesis(
                kinesis("1", order("o-1", 1)), kinesis("2", order("o-1", 1)),
                kinesis("3", new byte[] {(byte) 0xC3, (byte) 0x28}), kinesis("4", order("o-4", 1))),
                fixtures.context());

        assertEquals(List.of("3"), failures(report.response()));
        assertEquals(List.of(PROCESSED, DUPLICATE, REJECTED, NOT_ATTEMPTED), statuses(report));
        assertEquals("body is not UTF-8 text", report.outcomes().get(2).detail());
        assertEquals(List.of("o-1"), processed);
    }

    @Test
    void dynamoDbStreamsCheckpointAtTheFirstFailure() {
        List<String> seen = new ArrayList<>();
        BatchHandler<DynamodbEvent, StreamsEventResponse, Void> handler = IdempotentBatch
                .dynamoDbStreams(fixtures.idempotency)
                .process((record, context) -> {
                    String status = record.getDynamodb().getNewImage().get("status").getS();
                    if (status.equals("broken")) {
                        throw new IllegalStateException("cannot project " + status);
                    }
                    seen.add(record.getDynamodb().getSequenceNumber());
                });
        DynamodbEvent.DynamodbStreamRecord first = change("111", "a", "paid");
        DynamodbEvent.DynamodbStreamRecord broken = change("222", "b", "broken");
        DynamodbEvent.DynamodbStreamRecord third = change("333", "c", "paid");

        BatchReport<StreamsEventResponse, Void> report = handler.processBatch(dynamoDb(first, first, broken, third),
                fixtures.context());

        assertEquals(List.of("222"), failures(report.response()));
        assertEquals(List.of(PROCESSED, DUPLICATE, FAILED, NOT_ATTEMPTED), statuses(report));
        assertEquals(List.of("111"), seen);

        BatchReport<StreamsEventResponse, Void> resumed = handler.processBatch(dynamoDb(first,
                change("222", "b", "paid"), third), fixtures.context());
        assertEquals(List.of(), failures(resumed.response()));
        assertEquals(List.of(DUPLICATE, PROCESSED, PROCESSED), statuses(resumed));
        assertEquals(List.of("111", "222", "333"), seen);
    }

    @Test
    void dynamoDbStreamsRecordsCanBeKeyedByTheirContentButHaveNoBodyPath() {
        List<String> seen = new ArrayList<>();
        BatchHandler<DynamodbEvent, StreamsEventResponse, Void> handler = IdempotentBatch
                .dynamoDbStreams(fixtures.idempotency).operation("by-item")
                .keyedBy(record -> record.getDynamodb().getKeys().get("id").getS() + "@"
                        + record.getDynamodb().getNewImage().get("status").getS())
                .process((record, context) -> seen.add(record.getDynamodb().getSequenceNumber()));

        BatchReport<StreamsEventResponse, Void> report = handler.processBatch(dynamoDb(change("1", "a", "paid"),
                change("2", "a", "paid"), change("3", "a", "shipped")), fixtures.context());

        assertEquals(List.of(PROCESSED, DUPLICATE, PROCESSED), statuses(report));
        assertEquals(List.of("1", "3"), seen);
        assertThrows(IllegalStateException.class,
                () -> IdempotentBatch.dynamoDbStreams(fixtures.idempotency).keyPath("id"));
    }

    @Test
    void emptyStreamBatchesHaveNoFailures() {
        assertEquals(List.of(), failures(IdempotentBatch.kinesis(fixtures.idempotency, String.class)
                .process((data, context) -> { }).handleRequest(new KinesisEvent(), fixtures.context())));
        assertEquals(List.of(), failures(IdempotentBatch.dynamoDbStreams(fixtures.idempotency)
                .process((record, context) -> { }).handleRequest(null, fixtures.context())));
    }
}
