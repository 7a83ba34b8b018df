package dev.lambdaidempotency.benchmarks.function;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The floor as a handler: the bare handler behind the raw requests of {@link RawFloorStore}, the key taken as is
 * from {@code orderId} (no hashing, no validation, no tracing, no metrics). What is left is what any correct
 * implementation must do: serialize the result, send the requests, decode a replayed result. Thread-safe.
 *
 * @param <R> the response type
 */
public final class FloorFunction<R> implements RequestHandler<Map<String, Object>, R> {
    private static final long LEASE_MILLIS = 300_000;
    private static final long TTL_SECONDS = 3600;

    private final RawFloorStore store;
    private final RequestHandler<Map<String, Object>, R> handler;
    private final Codec<R> codec;
    private final String scope;
    private final Offload offload;
    private final int offloadThreshold;
    private final Map<String, byte[]> cache;

    /** Serializes results (the warm floor uses the same Jackson reader/writer as the library). */
    public interface Codec<R> {
        /**
         * @param value a result
         * @return its JSON
         */
        byte[] encode(R value);

        /**
         * @param json a stored result
         * @return the result
         */
        R decode(byte[] json);
    }

    /** Puts large results somewhere else (S3 in the offload cases) and keeps a pointer in the record. */
    public interface Offload {
        /**
         * @param id   record id
         * @param json the result
         * @return the pointer attribute to store in the record
         */
        AttributeValue put(String id, byte[] json);

        /**
         * @param pointer the stored pointer attribute
         * @return the result's bytes
         */
        byte[] get(AttributeValue pointer);
    }

    /** Another invocation holds the claim. */
    public static final class InProgressException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InProgressException(String id) {
            super("in progress: " + id, null, false, false);
        }
    }

    /**
     * @param store            the raw requests
     * @param handler          the business handler
     * @param codec            result serialization
     * @param scope            record id prefix
     * @param offload          where large results go, or {@code null}
     * @param offloadThreshold results larger than this are offloaded (when {@code offload} is set)
     * @param cacheResults     whether completed inline results are kept in memory (0 requests on replay)
     */
    public FloorFunction(RawFloorStore store, RequestHandler<Map<String, Object>, R> handler, Codec<R> codec,
            String scope, Offload offload, int offloadThreshold, boolean cacheResults) {
        this.store = store;
        this.handler = handler;
        this.codec = codec;
        this.scope = scope + "#";
        this.offload = offload;
        this.offloadThreshold = offloadThreshold;
        this.cache = cacheResults ? new ConcurrentHashMap<>() : null;
    }

    @Override
    public R handleRequest(Map<String, Object> event, Context context) {
        String id = scope + event.get("orderId");
        if (cache != null) {
            byte[] hit = cache.get(id);
            if (hit != null) {
                return codec.decode(hit);
            }
        }
        long now = System.currentTimeMillis();
        String owner = Long.toHexString(ThreadLocalRandom.current().nextLong())
                + Long.toHexString(ThreadLocalRandom.current().nextLong());
        long lease = now + (context != null ? context.getRemainingTimeInMillis() : LEASE_MILLIS);
        long expiresAt = now / 1000 + TTL_SECONDS;
        Map<String, AttributeValue> existing = store.claim(id, owner, now, lease, expiresAt);
        if (existing != null) {
            return replay(id, existing);
        }
        R result;
        try {
            result = handler.handleRequest(event, context);
        } catch (RuntimeException e) {
            store.release(id, owner);
            throw e;
        }
        byte[] json = codec.encode(result);
        boolean inline = offload == null || json.length <= offloadThreshold;
        store.complete(id, owner, expiresAt, inline
                ? new SimpleImmutableEntry<>(RawFloorStore.DATA, AttributeValue.fromS(
                        new String(json, StandardCharsets.UTF_8)))
                : new SimpleImmutableEntry<>(RawFloorStore.RESULT_POINTER, offload.put(id, json)));
        if (cache != null && inline) {
            cache.put(id, json);
        }
        return result;
    }

    private R replay(String id, Map<String, AttributeValue> existing) {
        AttributeValue status = existing.get(RawFloorStore.STATUS);
        if (status == null || !"COMPLETED".equals(status.s())) {
            throw new InProgressException(id);
        }
        AttributeValue data = existing.get(RawFloorStore.DATA);
        byte[] json = data != null ? data.s().getBytes(StandardCharsets.UTF_8)
                : offload.get(existing.get(RawFloorStore.RESULT_POINTER));
        if (cache != null && data != null) {
            cache.put(id, json);
        }
        return codec.decode(json);
    }
}
