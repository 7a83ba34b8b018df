package dev.lambdaidempotency.benchmarks.runner;

import dev.lambdaidempotency.benchmarks.function.FloorFunction;
import dev.lambdaidempotency.s3.S3ResultStore;
import dev.lambdaidempotency.spi.ResultStore;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/** Result stores for the offload cases: the library's S3 store (when built) and the raw-SDK floor. */
final class OffloadStores {
    private OffloadStores() {
    }

    /**
     * The one place the benchmark obtains the library's result store.
     *
     * @param compression gzip (the library's default) or raw bytes, as the floor stores them
     * @return the store
     */
    static Optional<ResultStore> ours(S3Client s3, String bucket, boolean compression) {
        return Optional.of(S3ResultStore.builder().client(s3).bucket(bucket).compression(compression).build());
    }

    /** The floor's offload: one PutObject, one GetObject, a pointer of bucket, key and size. */
    static FloorFunction.Offload floor(S3Client s3, String bucket) {
        return new FloorFunction.Offload() {
            @Override
            public AttributeValue put(String id, byte[] json) {
                String key = "floor/" + id.replace('#', '/');
                s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/json"),
                        RequestBody.fromBytes(json));
                return AttributeValue.fromM(Map.of("bucket", AttributeValue.fromS(bucket),
                        "key", AttributeValue.fromS(key),
                        "size", AttributeValue.fromN(Integer.toString(json.length))));
            }

            @Override
            public byte[] get(AttributeValue pointer) {
                Map<String, AttributeValue> p = pointer.m();
                return s3.getObjectAsBytes(b -> b.bucket(p.get("bucket").s()).key(p.get("key").s())).asByteArray();
            }
        };
    }

    /** Deletes every object of {@code bucket} (between batches of first-execution offload calls; not timed). */
    static void empty(S3Client s3, String bucket) {
        s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()
                .forEach(o -> s3.deleteObject(b -> b.bucket(bucket).key(o.key())));
    }
}
