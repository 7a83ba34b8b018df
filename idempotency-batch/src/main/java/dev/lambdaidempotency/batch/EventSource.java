package dev.lambdaidempotency.batch;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What differs between the batch event sources: where the records are, how one is identified in a batch response,
 * its body, and whether the batch is ordered.
 *
 * @param <E> the event
 * @param <M> one record of it
 * @param <S> the batch response
 */
interface EventSource<E, M, S> {

    /** How a batch's records relate to each other. */
    enum Ordering {
        /** Standard SQS: every record stands alone; each failure is reported. */
        UNORDERED,
        /** FIFO SQS: stop at the first failure, report it and every later record. */
        FIFO,
        /** Kinesis, DynamoDB Streams: stop at the first failure, report only it (Lambda checkpoints before it). */
        STREAM
    }

    String defaultOperation();

    List<M> records(E event);

    /** The batch response's identifier, also the default key. */
    String itemIdentifier(M record);

    /**
     * The record's idempotency key when the user names none: the item identifier, qualified where it is only
     * unique within its source (stream sequence numbers are unique per shard, not across the streams or tables
     * that may feed one function).
     *
     * @param record the record
     * @return the key, or {@code null} when the record has none
     */
    default String defaultKey(M record) {
        return itemIdentifier(record);
    }

    /** The body as text, or {@code null} for a source without one. */
    String body(M record) throws CharacterCodingException;

    Ordering ordering(List<M> records);

    S response(List<String> failures);

    static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    /** SQS, standard or FIFO. */
    final class Sqs implements EventSource<SQSEvent, SQSEvent.SQSMessage, SQSBatchResponse> {
        @Override
        public String defaultOperation() {
            return "sqs-message";
        }

        @Override
        public List<SQSEvent.SQSMessage> records(SQSEvent event) {
            return orEmpty(event.getRecords());
        }

        @Override
        public String itemIdentifier(SQSEvent.SQSMessage record) {
            return record.getMessageId();
        }

        @Override
        public String body(SQSEvent.SQSMessage record) {
            return record.getBody();
        }

        @Override
        public Ordering ordering(List<SQSEvent.SQSMessage> records) {
            for (SQSEvent.SQSMessage record : records) {
                String arn = record.getEventSourceArn();
                if ((arn != null && arn.endsWith(".fifo"))
                        || (record.getAttributes() != null && record.getAttributes().containsKey("MessageGroupId"))) {
                    return Ordering.FIFO;
                }
            }
            return Ordering.UNORDERED;
        }

        @Override
        public SQSBatchResponse response(List<String> failures) {
            return new SQSBatchResponse(failures.stream().map(SQSBatchResponse.BatchItemFailure::new)
                    .collect(Collectors.toCollection(ArrayList::new)));
        }
    }

    /** Kinesis Data Streams: the data is the body, as UTF-8. */
    final class Kinesis implements EventSource<KinesisEvent, KinesisEvent.KinesisEventRecord, StreamsEventResponse> {
        @Override
        public String defaultOperation() {
            return "kinesis-record";
        }

        @Override
        public List<KinesisEvent.KinesisEventRecord> records(KinesisEvent event) {
            return orEmpty(event.getRecords());
        }

        @Override
        public String itemIdentifier(KinesisEvent.KinesisEventRecord record) {
            return record.getKinesis() == null ? null : record.getKinesis().getSequenceNumber();
        }

        @Override
        public String defaultKey(KinesisEvent.KinesisEventRecord record) {
            return qualified(record.getEventSourceARN(), itemIdentifier(record));
        }

        @Override
        public String body(KinesisEvent.KinesisEventRecord record) throws CharacterCodingException {
            ByteBuffer data = record.getKinesis() == null ? null : record.getKinesis().getData();
            if (data == null) {
                return null;
            }
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(data.asReadOnlyBuffer()).toString();
        }

        @Override
        public Ordering ordering(List<KinesisEvent.KinesisEventRecord> records) {
            return Ordering.STREAM;
        }

        @Override
        public StreamsEventResponse response(List<String> failures) {
            return streamsResponse(failures);
        }
    }

    /** DynamoDB Streams: the record itself is what the processor gets; there is no body. */
    final class DynamoDbStreams
            implements EventSource<DynamodbEvent, DynamodbEvent.DynamodbStreamRecord, StreamsEventResponse> {
        @Override
        public String defaultOperation() {
            return "dynamodb-stream-record";
        }

        @Override
        public List<DynamodbEvent.DynamodbStreamRecord> records(DynamodbEvent event) {
            return orEmpty(event.getRecords());
        }

        @Override
        public String itemIdentifier(DynamodbEvent.DynamodbStreamRecord record) {
            return record.getDynamodb() == null ? null : record.getDynamodb().getSequenceNumber();
        }

        @Override
        public String defaultKey(DynamodbEvent.DynamodbStreamRecord record) {
            return qualified(record.getEventSourceARN(), itemIdentifier(record));
        }

        @Override
        public String body(DynamodbEvent.DynamodbStreamRecord record) {
            return null;
        }

        @Override
        public Ordering ordering(List<DynamodbEvent.DynamodbStreamRecord> records) {
            return Ordering.STREAM;
        }

        @Override
        public StreamsEventResponse response(List<String> failures) {
            return streamsResponse(failures);
        }
    }

    private static StreamsEventResponse streamsResponse(List<String> failures) {
        return new StreamsEventResponse(failures.stream().map(StreamsEventResponse.BatchItemFailure::new)
                .collect(Collectors.toCollection(ArrayList::new)));
    }

    /** {@code arn/sequenceNumber}, or the sequence number alone when the record names no source. */
    private static String qualified(String sourceArn, String sequenceNumber) {
        return sequenceNumber == null || sourceArn == null || sourceArn.isBlank() ? sequenceNumber
                : sourceArn + "/" + sequenceNumber;
    }
}
