package dev.lambdaidempotency.s3;

import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.IdempotencyStoreException;
import dev.lambdaidempotency.spi.ResultPointer;
import java.io.IOException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * What a failure means for the caller: a result that is gone ({@link IdempotencyResultUnavailableException}: the
 * operation already ran and is not run again) or a store that cannot be used right now
 * ({@link IdempotencyStoreException}, retryable for throttling, 5xx and client-side I/O). Messages name the record
 * and the object, never a payload.
 */
final class S3Failures {
    private S3Failures() {
    }

    static IdempotencyResultUnavailableException unavailable(String recordId, ResultPointer pointer, String problem,
            Throwable cause) {
        return new IdempotencyResultUnavailableException("the operation for " + recordId + " already completed and "
                + "is not run again, but its stored result s3://" + pointer.bucket() + "/" + pointer.key() + " "
                + problem, recordId, cause);
    }

    /** A {@code PutObject} that failed, or whose body could not be re-read for a retry. */
    static IdempotencyStoreException putFailed(String recordId, String bucket, String key, RuntimeException e) {
        return new IdempotencyStoreException("S3 PutObject of the result of " + recordId + " to s3://" + bucket
                + "/" + key + " failed: " + e.getMessage(), recordId, isRetryable(e), e);
    }

    /**
     * A {@code GetObject} that failed: a missing object (404, {@code NoSuchKey}) is a lost result; anything else,
     * including 403 (which S3 also answers for a missing object without {@code s3:ListBucket}), is a store failure.
     */
    static RuntimeException getFailed(String recordId, ResultPointer pointer, SdkException e) {
        if (e instanceof NoSuchKeyException) {
            return unavailable(recordId, pointer, "is missing (NoSuchKey)", e);
        }
        String hint = "";
        if (e instanceof AwsServiceException service) {
            if (service.statusCode() == 404) {
                return unavailable(recordId, pointer, "is missing (" + service.awsErrorDetails().errorCode() + ")",
                        e);
            }
            hint = service.statusCode() == 403 ? " (access denied; note that without s3:ListBucket S3 also answers "
                    + "403 for a missing object)" : "";
        }
        return new IdempotencyStoreException("S3 GetObject of the result of " + recordId + " from s3://"
                + pointer.bucket() + "/" + pointer.key() + " failed: " + e.getMessage() + hint, recordId,
                isRetryable(e), e);
    }

    /** The download broke off while the body was being read: always worth a retry. */
    static IdempotencyStoreException readFailed(String recordId, ResultPointer pointer, Exception e) {
        return new IdempotencyStoreException("reading the result of " + recordId + " from s3://" + pointer.bucket()
                + "/" + pointer.key() + " failed: " + e.getMessage(), recordId, true, e);
    }

    /** The caller's stream failed: not the store's fault, not retryable. */
    static IdempotencyStoreException sourceUnreadable(String recordId, IOException e) {
        return new IdempotencyStoreException("reading the result of " + recordId + " failed: " + e.getMessage(),
                recordId, false, e);
    }

    /** The caller's stream did not yield the bytes it announced. */
    static IdempotencyStoreException lengthMismatch(String recordId, long announced, long read) {
        return new IdempotencyStoreException("the result of " + recordId + " was announced as " + announced
                + " bytes but the stream yielded " + read, recordId, false, null);
    }

    static boolean isRetryable(RuntimeException e) {
        if (e instanceof AwsServiceException service) {
            return service.retryable() || service.isThrottlingException() || service.statusCode() >= 500;
        }
        return true; // client-side: I/O, time-outs, connection failures
    }
}
