package dev.lambdaidempotency.batch;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.Execution;
import dev.lambdaidempotency.IdempotencyException;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.IdempotencyKeyException;
import dev.lambdaidempotency.IdempotencyPayloadMismatchException;
import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.IdempotentOperation;
import dev.lambdaidempotency.batch.RecordOutcome.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * An idempotent batch handler, built by {@link IdempotentBatch}: a {@link RequestHandler} returning the partial
 * batch response, and {@link #processBatch(Object, Context)} for the per-record outcomes as well. This class is
 * immutable and thread-safe.
 *
 * @param <E> the event type
 * @param <S> the batch response type
 * @param <R> the processor's result type
 */
public final class BatchHandler<E, S, R> implements RequestHandler<E, S> {
    private static final System.Logger LOG = System.getLogger(BatchHandler.class.getName());

    private final Run<E, ?, S, ?, R> run;

    <M, T> BatchHandler(EventSource<E, M, S> source, Decoder.Bound<M, T> decoder,
            IdempotentBatch.KeySelector<M, T> key, IdempotentOperation<R> operation,
            RecordProcessor<? super T, ? extends R> processor, Consumer<? super RecordOutcome<?>> listener,
            boolean logOutcomes) {
        this.run = new Run<>(source, decoder, key, operation, processor, listener, logOutcomes);
    }

    /**
     * Processes the batch and returns the records Lambda must deliver again. An exception from the processor fails
     * its record only; an {@link Error} (and an exception from the outcome listener) fails the invocation, and
     * Lambda then delivers the whole batch again (what was processed is skipped as duplicates).
     *
     * @param event   the batch ({@code null} or without records: an empty response)
     * @param context the invocation's context, which bounds each record's claim; {@code null} outside Lambda
     * @return the partial batch response
     */
    @Override
    public S handleRequest(E event, Context context) {
        return processBatch(event, context).response();
    }

    /**
     * Processes the batch, returning the response together with every record's outcome.
     *
     * @param event   the batch ({@code null} or without records: an empty response)
     * @param context the invocation's context; {@code null} outside Lambda
     * @return the response and the outcomes, in the event's order
     */
    public BatchReport<S, R> processBatch(E event, Context context) {
        return run.batch(event, context);
    }

    @Override
    public String toString() {
        return "BatchHandler[" + run.operation + "]";
    }

    /** The handler's parts, with the record type {@code M} and decoded type {@code T} bound. */
    private record Run<E, M, S, T, R>(EventSource<E, M, S> source, Decoder.Bound<M, T> decoder,
            IdempotentBatch.KeySelector<M, T> key, IdempotentOperation<R> operation,
            RecordProcessor<? super T, ? extends R> processor, Consumer<? super RecordOutcome<?>> listener,
            boolean logOutcomes) {

        BatchReport<S, R> batch(E event, Context context) {
            List<M> records = event == null ? List.of() : source.records(event);
            EventSource.Ordering ordering = source.ordering(records);
            List<RecordOutcome<R>> outcomes = new ArrayList<>(records.size());
            List<String> failures = new ArrayList<>();
            boolean stopped = false;
            for (M record : records) {
                String id = source.itemIdentifier(record);
                RecordOutcome<R> outcome = stopped
                        ? new RecordOutcome<>(id, null, Status.NOT_ATTEMPTED, null, null,
                                ordering == EventSource.Ordering.FIFO, "an earlier record of this "
                                        + (ordering == EventSource.Ordering.FIFO ? "FIFO batch" : "stream batch")
                                        + " did not succeed")
                        : record(record, id, context);
                stopped |= ordering != EventSource.Ordering.UNORDERED && !outcome.status().succeeded();
                if (outcome.reported()) {
                    failures.add(id);
                }
                outcomes.add(outcome);
                publish(outcome, context);
            }
            return new BatchReport<>(source.response(failures), outcomes);
        }

        private RecordOutcome<R> record(M record, String id, Context context) {
            Decoder.Decoded<T> decoded;
            try {
                decoded = decoder.decode(source, record);
            } catch (Decoder.UnreadableRecordException e) {
                return failed(id, null, Status.REJECTED, e, e.getMessage());
            }
            String recordKey;
            try {
                recordKey = key.key(record, decoded);
            } catch (RuntimeException e) {
                return failed(id, null, Status.REJECTED, e, "the key could not be read: " + e);
            }
            if (recordKey == null || recordKey.isBlank()) {
                return failed(id, null, Status.REJECTED, null, "the record has no key");
            }
            try {
                Execution<R> execution = operation.execute(recordKey, decoded.payload(), context,
                        () -> processor.process(decoded.item(), context));
                return execution.replayed()
                        ? new RecordOutcome<>(id, recordKey, Status.DUPLICATE, execution, null, false,
                                "already processed at " + execution.recordedAt())
                        : new RecordOutcome<>(id, recordKey, Status.PROCESSED, execution, null, false, "new key");
            } catch (IdempotencyInProgressException e) {
                return failed(id, recordKey, Status.IN_PROGRESS, e, "being processed by another invocation");
            } catch (IdempotencyPayloadMismatchException e) {
                return failed(id, recordKey, Status.REJECTED, e, "the key was already processed with another body");
            } catch (IdempotencyKeyException e) {
                return failed(id, recordKey, Status.REJECTED, e, e.getMessage());
            } catch (IdempotencyResultUnavailableException e) {
                // processed before, only its result is gone: it must not run again
                return new RecordOutcome<>(id, recordKey, Status.DUPLICATE, null, null, false,
                        "already processed (its result is unavailable)");
            } catch (IdempotencyException e) {
                return failed(id, recordKey, Status.FAILED, e, e.getClass().getSimpleName() + ": " + e.getMessage());
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                return failed(id, recordKey, Status.FAILED, e, "processing failed: " + e);
            }
        }

        private RecordOutcome<R> failed(String id, String recordKey, Status status, Exception cause, String detail) {
            return new RecordOutcome<>(id, recordKey, status, null, cause, true, detail);
        }

        private void publish(RecordOutcome<R> outcome, Context context) {
            if (logOutcomes) {
                String line = outcome.logLine();
                if (context != null && context.getLogger() != null) {
                    context.getLogger().log(line);
                } else {
                    LOG.log(outcome.status().succeeded() ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                            line);
                }
            }
            listener.accept(outcome);
        }
    }
}
