package dev.lambdaidempotency.examples.wiring;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Removes the {@code Expect: 100-continue} header the S3 client adds to uploads. With the url-connection HTTP
 * client, S3-compatible servers such as S3Proxy intermittently break those uploads ("Unexpected end of file from
 * server"); real S3 treats the header as optional, so dropping it only means a rejected upload is sent in full.
 */
final class ExpectHeaderRemover implements ExecutionInterceptor {
    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        SdkHttpRequest request = context.httpRequest();
        return request.firstMatchingHeader("Expect").isPresent()
                ? request.toBuilder().removeHeader("Expect").build()
                : request;
    }
}
