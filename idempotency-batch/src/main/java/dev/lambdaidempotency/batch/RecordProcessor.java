package dev.lambdaidempotency.batch;

import com.amazonaws.services.lambda.runtime.Context;

/**
 * The user's code for one record, returning a result that is recorded and replayed to duplicates.
 *
 * @param <T> the decoded record type
 * @param <R> the result type (Jackson-serializable)
 */
@FunctionalInterface
public interface RecordProcessor<T, R> {
    /**
     * Processes one record.
     *
     * @param record  the decoded record
     * @param context the invocation's context ({@code null} outside Lambda)
     * @return the result, recorded for duplicates
     * @throws Exception any failure: the record is reported as failed and delivered again
     */
    R process(T record, Context context) throws Exception;
}
