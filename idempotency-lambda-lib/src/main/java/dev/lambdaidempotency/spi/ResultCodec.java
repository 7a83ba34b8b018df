package dev.lambdaidempotency.spi;

import java.io.IOException;

/**
 * Turns a handler's (or operation's) results into the JSON bytes a record keeps, and those bytes back into the
 * result type on a replay. Set one with {@code Idempotency.Builder.resultCodec(...)} to use a JSON library of your
 * choice; without one, the library uses jackson-databind when it is on the class path (the application's
 * {@code ObjectMapper} when one is passed to {@code Idempotency.Builder.objectMapper(...)}) and a light built-in
 * codec otherwise.
 *
 * <p>{@link #bind} is called once per wrapped handler or operation, when it is created; the binding it returns is
 * used from many threads. Implementations must be thread-safe.
 *
 * <pre>{@code
 * ResultCodec gson = new ResultCodec() {
 *     public <T> Binding<T> bind(Class<T> type) {
 *         return new Binding<>() {
 *             public byte[] encode(T value) {
 *                 return GSON.toJson(value).getBytes(StandardCharsets.UTF_8);
 *             }
 *             public T decode(byte[] json) {
 *                 return GSON.fromJson(new String(json, StandardCharsets.UTF_8), type);
 *             }
 *         };
 *     }
 * };
 * }</pre>
 */
public interface ResultCodec {
    /**
     * A codec for results of {@code type}.
     *
     * @param type the result type
     * @param <T>  the result type
     * @return the binding, used for every result of that handler or operation
     * @throws IllegalArgumentException when this codec cannot read or write {@code type}; the message should say
     *                                  why (the wrap or operation call fails with it, before anything runs)
     */
    <T> Binding<T> bind(Class<T> type);

    /**
     * A codec bound to one result type. Thread-safe.
     *
     * @param <T> the result type
     */
    interface Binding<T> {
        /**
         * Writes a result as JSON.
         *
         * @param value the result (may be {@code null})
         * @return UTF-8 JSON
         * @throws IOException when the value cannot be written (the record then says its result is unavailable;
         *                     repeats get {@code IdempotencyResultUnavailableException})
         */
        byte[] encode(T value) throws IOException;

        /**
         * Reads a recorded result.
         *
         * @param json what {@link #encode} wrote (or another codec wrote for the same type, across a deployment)
         * @return the result
         * @throws IOException when the bytes do not read into the type (a repeat then gets
         *                     {@code IdempotencyResultUnavailableException}; nothing runs again)
         */
        T decode(byte[] json) throws IOException;
    }
}
