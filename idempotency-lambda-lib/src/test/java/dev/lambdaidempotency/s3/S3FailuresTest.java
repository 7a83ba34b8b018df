package dev.lambdaidempotency.s3;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.IdempotencyStoreException;
import dev.lambdaidempotency.spi.ResultPointer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** What an S3 failure means for a replay: a lost result (never run again) or a store to retry later. */
class S3FailuresTest {
    private static final ResultPointer POINTER = new ResultPointer("bucket", "key", 10, "00",
            S3ResultStore.CONTENT_TYPE, S3ResultStore.IDENTITY);

    @Test
    void aMissingObjectIsALostResult() {
        assertInstanceOf(IdempotencyResultUnavailableException.class, S3Failures.getFailed("id", POINTER,
                NoSuchKeyException.builder().message("gone").build()));
        assertInstanceOf(IdempotencyResultUnavailableException.class, S3Failures.getFailed("id", POINTER,
                s3Error(404, "NotFound")));
    }

    @Test
    void accessDeniedIsAStoreFailureThatNamesTheListBucketPitfall() {
        IdempotencyStoreException e = assertInstanceOf(IdempotencyStoreException.class,
                S3Failures.getFailed("id", POINTER, s3Error(403, "AccessDenied")));
        assertTrue(e.getMessage().contains("s3:ListBucket"), e.getMessage());
        assertFalse(e.isRetryable());
    }

    @Test
    void throttlingServerErrorsAndClientSideFailuresAreRetryable() {
        assertTrue(((IdempotencyStoreException) S3Failures.getFailed("id", POINTER, s3Error(503, "SlowDown")))
                .isRetryable());
        assertTrue(S3Failures.putFailed("id", "bucket", "key", SdkClientException.create("timed out"))
                .isRetryable());
        assertFalse(S3Failures.putFailed("id", "bucket", "key", s3Error(400, "InvalidRequest")).isRetryable());
    }

    private static S3Exception s3Error(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status).message(code)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
    }
}
