package dev.lambdaidempotency.batch;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.testkit.MutableClock;
import dev.lambdaidempotency.testkit.TestLambdaContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Events, records and an idempotency instance on a fresh DynamoDB Local table. */
final class BatchFixtures {
    final MutableClock clock = MutableClock.start();
    final Idempotency idempotency;

    BatchFixtures(LocalAwsExtension aws) {
        idempotency = Idempotency.builder().store(aws.newStore(aws.dynamoDbClient()))
                .config(IdempotencyConfig.builder().functionName("batch-test").clock(clock).build()).build();
    }

    TestLambdaContext context() {
        return TestLambdaContext.remaining(clock, Duration.ofMinutes(1));
    }

    /** An order as a message body. */
    record Order(String orderId, int quantity) {
    }

    /** What processing an order returns: which run of the processor produced it. */
    record Confirmation(String orderId, int run) {
    }

    static String order(String id, int quantity) {
        return "{\"orderId\":\"" + id + "\",\"quantity\":" + quantity + "}";
    }

    static SQSEvent.SQSMessage message(String id, String body) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(id);
        message.setBody(body);
        message.setEventSourceArn("arn:aws:sqs:eu-west-1:123456789012:orders");
        return message;
    }

    static SQSEvent.SQSMessage fifo(SQSEvent.SQSMessage message) {
        message.setEventSourceArn("arn:aws:sqs:eu-west-1:123456789012:orders.fifo");
        return message;
    }

    static SQSEvent sqs(SQSEvent.SQSMessage... messages) {
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(messages));
        return event;
    }

    static List<String> failures(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .toList();
    }

    static List<String> failures(StreamsEventResponse response) {
        return response.getBatchItemFailures().stream()
                .map(StreamsEventResponse.BatchItemFailure::getItemIdentifier).toList();
    }

    static KinesisEvent.KinesisEventRecord kinesis(String sequenceNumber, byte[] data) {
        KinesisEvent.Record record = new KinesisEvent.Record();
        record.setSequenceNumber(sequenceNumber);
        record.setPartitionKey("p");
        record.setData(ByteBuffer.wrap(data));
        KinesisEvent.KinesisEventRecord eventRecord = new KinesisEvent.KinesisEventRecord();
        eventRecord.setKinesis(record);
        eventRecord.setEventID("shardId-000000000000:" + sequenceNumber);
        return eventRecord;
    }

    static KinesisEvent.KinesisEventRecord kinesis(String sequenceNumber, String data) {
        return kinesis(sequenceNumber, data.getBytes(StandardCharsets.UTF_8));
    }

    static KinesisEvent kinesis(KinesisEvent.KinesisEventRecord... records) {
        KinesisEvent event = new KinesisEvent();
        event.setRecords(List.of(records));
        return event;
    }

    static DynamodbEvent.DynamodbStreamRecord change(String sequenceNumber, String id, String status) {
        Map<String, AttributeValue> image = new HashMap<>();
        image.put("id", new AttributeValue().withS(id));
        image.put("status", new AttributeValue().withS(status));
        StreamRecord stream = new StreamRecord();
        stream.setSequenceNumber(sequenceNumber);
        stream.setKeys(Map.of("id", new AttributeValue().withS(id)));
        stream.setNewImage(image);
        DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
        record.setEventID("event-" + sequenceNumber);
        record.setEventName("MODIFY");
        record.setDynamodb(stream);
        return record;
    }

    static DynamodbEvent dynamoDb(DynamodbEvent.DynamodbStreamRecord... records) {
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(List.of(records));
        return event;
    }

    static <R> List<RecordOutcome.Status> statuses(BatchReport<?, R> report) {
        return report.outcomes().stream().map(RecordOutcome::status).toList();
    }
}
