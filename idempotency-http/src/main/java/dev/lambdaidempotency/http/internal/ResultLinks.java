package dev.lambdaidempotency.http.internal;

import dev.lambdaidempotency.spi.ResultPointer;
import dev.lambdaidempotency.http.AsyncMode;
import dev.lambdaidempotency.http.IdempotentHttp;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedGetObjectRequest;

/**
 * A replay too large for a Lambda response, answered with a presigned GET of the object the core's offload stored.
 * Loaded only when a replay is over the threshold, so the S3 SDK is needed only then.
 */
final class ResultLinks {
    private ResultLinks() {
    }

    /**
     * The link response: {@code 200}, {@link AsyncMode#RESULT_LINK_MEDIA_TYPE}, the replay marker, and a body naming
     * the URL, its expiry and the object's size, checksum and encodings. The caller has just read the object back
     * and verified it against the pointer (the core does on every replay), so the link never names a missing object.
     *
     * @param presigner the presigner
     * @param ttl       the link's validity
     * @param pointer   the verified object
     * @param replayed  the recorded response (its status is reported)
     * @return the response
     */
    static StoredResponse link(S3Presigner presigner, Duration ttl, ResultPointer pointer, StoredResponse replayed) {
        PresignedGetObjectRequest presigned = presigner.presignGetObject(request -> request.signatureDuration(ttl)
                .getObjectRequest(get -> get.bucket(pointer.bucket()).key(pointer.key())));
        String body = AsyncResponses.json().createObjectNode()
                .put("status", "completed")
                .put("statusCode", replayed.statusCode())
                .put("url", presigned.url().toString())
                .put("expiresAt", presigned.expiration().toString())
                .put("size", pointer.size())
                .put("sha256", pointer.sha256())
                .put("contentType", pointer.contentType())
                .put("contentEncoding", pointer.contentEncoding())
                .toString();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", AsyncMode.RESULT_LINK_MEDIA_TYPE);
        headers.put("Cache-Control", "no-store");
        headers.put(IdempotentHttp.REPLAYED_HEADER, "true");
        return new StoredResponse(200, "200 OK", headers, null, null, body, false);
    }
}
