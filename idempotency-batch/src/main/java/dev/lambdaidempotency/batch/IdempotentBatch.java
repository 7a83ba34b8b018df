package dev.lambdaidempotency.batch;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.Redaction;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Builds idempotent batch handlers for SQS (standard and FIFO), Kinesis and DynamoDB Streams:
 *
 * <pre>{@code
 * public class OrderConsumer implements RequestHandler<SQSEvent, SQSBatchResponse> {
 *     private final RequestHandler<SQSEvent, SQSBatchResponse> batch = IdempotentBatch
 *             .sqs(Idempotency.builder().store(DynamoDbIdempotencyStore.builder()
 *                     .client(DynamoDbClient.create()).build()).build(), Order.class)
 *             .keyedBy(Order::orderId)            // a producer may send the same order twice
 *             .process(Confirmation.class, (order, context) -> Warehouse.fulfil(order));
 *
 *     public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
 *         return batch.handleRequest(event, context);
 *     }
 * }
 * }</pre>
 *
 * <p>Each record is one run of an {@link dev.lambdaidempotency.IdempotentOperation} (named by
 * {@link Builder#operation(String)}), keyed by the message id (SQS) or sequence number (Kinesis, DynamoDB Streams)
 * unless {@link Builder#keyedBy(Function)}, {@link Builder#keyedByRecord(Function)} or
 * {@link Builder#keyPath(String)} says otherwise. Records are processed one after another, in the event's order.
 * The returned response lists the records Lambda must deliver again; the event source mapping must have
 * {@code FunctionResponseTypes: [ReportBatchItemFailures]}, or Lambda ignores it:
 *
 * <ul>
 *   <li>a duplicate (a key processed before, in this batch or an earlier one) is skipped and counts as success;</li>
 *   <li>a failure ({@link RecordOutcome.Status#FAILED}), a key another invocation is processing
 *       ({@link RecordOutcome.Status#IN_PROGRESS}) and an unprocessable record ({@link RecordOutcome.Status#REJECTED})
 *       are reported;</li>
 *   <li>FIFO SQS (the queue ARN ends with {@code .fifo}, or records carry {@code MessageGroupId}): processing stops
 *       at the first record that does not succeed; it and every later record are reported, so that no message
 *       overtakes an earlier one of its group;</li>
 *   <li>Kinesis and DynamoDB Streams: processing stops at the first record that does not succeed and only its
 *       sequence number is reported: Lambda checkpoints before it and delivers it and everything after it
 *       again.</li>
 * </ul>
 */
public final class IdempotentBatch {
    private IdempotentBatch() {
    }

    /**
     * Starts a handler for SQS batches whose message bodies are JSON documents of {@code bodyType} (or, for
     * {@code String.class}, any text).
     *
     * @param idempotency the store and settings
     * @param bodyType    the type each body is read as
     * @param <T>         the body type
     * @return a builder
     */
    public static <T> Builder<SQSEvent, SQSEvent.SQSMessage, SQSBatchResponse, T> sqs(Idempotency idempotency,
            Class<T> bodyType) {
        return new Builder<>(idempotency, new EventSource.Sqs(), Decoder.json(bodyType));
    }

    /**
     * Starts a handler for Kinesis batches whose data are UTF-8 JSON documents of {@code dataType} (or, for
     * {@code String.class}, any UTF-8 text).
     *
     * @param idempotency the store and settings
     * @param dataType    the type each record's data is read as
     * @param <T>         the data type
     * @return a builder
     */
    public static <T> Builder<KinesisEvent, KinesisEvent.KinesisEventRecord, StreamsEventResponse, T> kinesis(
            Idempotency idempotency, Class<T> dataType) {
        return new Builder<>(idempotency, new EventSource.Kinesis(), Decoder.json(dataType));
    }

    /**
     * Starts a handler for DynamoDB Streams batches; the processor gets each stream record as it is.
     *
     * @param idempotency the store and settings
     * @return a builder
     */
    public static Builder<DynamodbEvent, DynamodbEvent.DynamodbStreamRecord, StreamsEventResponse,
            DynamodbEvent.DynamodbStreamRecord> dynamoDbStreams(Idempotency idempotency) {
        return new Builder<>(idempotency, new EventSource.DynamoDbStreams(), Decoder.asIs());
    }

    /**
     * Configures a batch handler. Not thread-safe; the handlers it builds are immutable and thread-safe.
     *
     * @param <E> the event type
     * @param <M> the event's record type
     * @param <S> the batch response type
     * @param <T> what the processor gets for a record
     */
    public static final class Builder<E, M, S, T> {
        private final Idempotency idempotency;
        private final EventSource<E, M, S> source;
        private final Decoder<M, T> decoder;
        private KeySelector<M, T> key;
        private String operation;
        private ObjectMapper mapper;
        private Consumer<? super RecordOutcome<?>> listener = outcome -> { };
        private boolean logOutcomes = true;

        private Builder(Idempotency idempotency, EventSource<E, M, S> source, Decoder<M, T> decoder) {
            this.idempotency = Objects.requireNonNull(idempotency, "idempotency");
            this.source = source;
            this.decoder = decoder;
            this.key = KeySelector.itemIdentifier(source);
            this.operation = source.defaultOperation();
        }

        /**
         * Keys each record by a function of the decoded record, e.g. {@code Order::orderId}: the same order sent
         * twice (two messages, two message ids) is processed once. A {@code null} or blank key rejects the record.
         *
         * @param keyFunction the key of a decoded record
         * @return this builder
         */
        public Builder<E, M, S, T> keyedBy(Function<? super T, String> keyFunction) {
            Objects.requireNonNull(keyFunction, "keyFunction");
            this.key = (record, decoded) -> keyFunction.apply(decoded.item());
            return this;
        }

        /**
         * Keys each record by a function of the raw record, e.g. an SQS message attribute.
         *
         * @param keyFunction the key of a raw record
         * @return this builder
         */
        public Builder<E, M, S, T> keyedByRecord(Function<? super M, String> keyFunction) {
            Objects.requireNonNull(keyFunction, "keyFunction");
            this.key = (record, decoded) -> keyFunction.apply(record);
            return this;
        }

        /**
         * Keys each record by a value in its JSON body (SQS) or data (Kinesis), e.g. {@code orderId} or
         * {@code order.lines[0].sku}: a scalar's text, or an object's or array's JSON. A body without it is rejected.
         *
         * @param path dot-separated field names with optional {@code [index]} suffixes
         * @return this builder
         * @throws IllegalArgumentException when the path is malformed
         * @throws IllegalStateException    for DynamoDB Streams, whose records have no JSON body (use
         *                                  {@link #keyedBy(Function)})
         */
        public Builder<E, M, S, T> keyPath(String path) {
            BodyPath compiled = BodyPath.parse(path);
            if (!decoder.hasBody()) {
                throw new IllegalStateException("keyPath needs a JSON body; key DynamoDB Streams records with keyedBy");
            }
            this.key = (record, decoded) -> compiled.select(decoded.tree());
            return this;
        }

        /**
         * Names the idempotent operation (and so the records' key space and the metrics' dimension). Default:
         * {@code sqs-message}, {@code kinesis-record} or {@code dynamodb-stream-record}.
         *
         * @param name 1-140 characters of {@code [A-Za-z0-9._:-]}
         * @return this builder
         */
        public Builder<E, M, S, T> operation(String name) {
            this.operation = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * The mapper that reads bodies. Default: a plain {@code JsonMapper} that ignores unknown properties and
         * refuses trailing content.
         *
         * @param objectMapper the mapper
         * @return this builder
         */
        public Builder<E, M, S, T> objectMapper(ObjectMapper objectMapper) {
            this.mapper = Objects.requireNonNull(objectMapper, "objectMapper");
            return this;
        }

        /**
         * Called with every record's outcome, in order, right after the record (also for records not attempted);
         * replaces an earlier listener. It is called on the invocation's thread and must be thread-safe if the
         * handler is shared. An exception from the listener fails the invocation (the whole batch is delivered
         * again; what was processed is then skipped as duplicates).
         *
         * @param outcomeListener the listener
         * @return this builder
         */
        public Builder<E, M, S, T> onOutcome(Consumer<? super RecordOutcome<?>> outcomeListener) {
            this.listener = Objects.requireNonNull(outcomeListener, "outcomeListener");
            return this;
        }

        /**
         * Whether each outcome is logged as one line ({@link RecordOutcome#logLine()}) to the Lambda logger (to
         * {@link System.Logger} outside Lambda). Default: true.
         *
         * @param log false to log nothing
         * @return this builder
         */
        public Builder<E, M, S, T> logOutcomes(boolean log) {
            this.logOutcomes = log;
            return this;
        }

        /**
         * Builds the handler: {@code processor} runs once per key and its result is recorded; duplicates get the
         * recorded result in their {@link RecordOutcome}.
         *
         * @param resultType the result type (Jackson-serializable)
         * @param processor  the user's code for one record
         * @param <R>        the result type
         * @return the handler (immutable, thread-safe)
         * @throws IllegalArgumentException when the operation name is malformed
         */
        public <R> BatchHandler<E, S, R> process(Class<R> resultType,
                RecordProcessor<? super T, ? extends R> processor) {
            return process(resultType, null, processor);
        }

        /**
         * {@link #process(Class, RecordProcessor)}, recording each result as {@code redaction} redacts it: a
         * processed record's outcome has the live result, a duplicate's the redacted one (see {@link Redaction}).
         *
         * @param resultType the result type (Jackson-serializable)
         * @param redaction  what is removed before a result is recorded, or {@code null} for nothing
         * @param processor  the user's code for one record
         * @param <R>        the result type
         * @return the handler (immutable, thread-safe)
         * @throws IllegalArgumentException when the operation name is malformed
         */
        public <R> BatchHandler<E, S, R> process(Class<R> resultType, Redaction<R> redaction,
                RecordProcessor<? super T, ? extends R> processor) {
            Objects.requireNonNull(processor, "processor");
            return new BatchHandler<>(source, new Decoder.Bound<>(decoder, mapper()), key,
                    idempotency.operation(operation, Objects.requireNonNull(resultType, "resultType"), redaction),
                    processor::process, listener, logOutcomes);
        }

        /**
         * Builds the handler for a processor without a result worth recording: only the fact that a key was
         * processed is recorded.
         *
         * @param consumer the user's code for one record
         * @return the handler (immutable, thread-safe)
         * @throws IllegalArgumentException when the operation name is malformed
         */
        public BatchHandler<E, S, Void> process(RecordConsumer<? super T> consumer) {
            Objects.requireNonNull(consumer, "consumer");
            return process(Void.class, (record, context) -> {
                consumer.accept(record, context);
                return null;
            });
        }

        private ObjectMapper mapper() {
            return mapper != null ? mapper
                    : JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
        }
    }

    /** The key of one record. */
    @FunctionalInterface
    interface KeySelector<M, T> {
        String key(M record, Decoder.Decoded<T> decoded);

        static <M, T> KeySelector<M, T> itemIdentifier(EventSource<?, M, ?> source) {
            return (record, decoded) -> source.defaultKey(record);
        }
    }
}
