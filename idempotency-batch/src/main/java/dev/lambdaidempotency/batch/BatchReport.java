package dev.lambdaidempotency.batch;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one batch: the response to return to Lambda and what happened to each record, in the event's
 * order.
 *
 * @param response the partial batch response ({@code SQSBatchResponse} or {@code StreamsEventResponse})
 * @param outcomes one outcome per record of the event, in order
 * @param <S>      the response type
 * @param <R>      the processor's result type
 */
public record BatchReport<S, R>(S response, List<RecordOutcome<R>> outcomes) {

    /**
     * Freezes the outcomes.
     *
     * @param response see the record description
     * @param outcomes see the record description
     */
    public BatchReport {
        Objects.requireNonNull(response, "response");
        outcomes = List.copyOf(outcomes);
    }

    /**
     * How many records ended with {@code status}.
     *
     * @param status a status
     * @return the count
     */
    public long count(RecordOutcome.Status status) {
        return outcomes.stream().filter(outcome -> outcome.status() == status).count();
    }
}
