package dev.lambdaidempotency.s3;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Drops the {@code Expect: 100-continue} header the S3 client adds to uploads (AWS SDK 2.40 has no setting for it).
 * Some S3-compatible servers (S3Proxy behind the url-connection HTTP client) intermittently break such uploads; S3
 * treats the header as optional, so without it a rejected upload is merely sent in full. Installed only when
 * {@code IDEMPOTENCY_S3_EXPECT_CONTINUE=false}; runs after the S3 client's own interceptors, which add the header.
 */
final class ExpectContinueRemover implements ExecutionInterceptor {
    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        SdkHttpRequest request = context.httpRequest();
        return request.firstMatchingHeader("Expect").isPresent()
                ? request.toBuilder().removeHeader("Expect").build()
                : request;
    }
}
