package dev.lambdaidempotency.batch;

import com.amazonaws.services.lambda.runtime.Context;

/**
 * The user's code for one record when there is no result worth recording (only the fact that it ran).
 *
 * @param <T> the decoded record type
 */
@FunctionalInterface
public interface RecordConsumer<T> {
    /**
     * Processes one record.
     *
     * @param record  the decoded record
     * @param context the invocation's context ({@code null} outside Lambda)
     * @throws Exception any failure: the record is reported as failed and delivered again
     */
    void accept(T record, Context context) throws Exception;
}
