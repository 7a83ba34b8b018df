package dev.lambdaidempotency.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.lambdaidempotency.spi.ResultCodec;
import java.io.IOException;

/**
 * Results through jackson-databind: the application's mapper, or a default one (unknown properties ignored) built
 * the first time a result is written or read, not when the handler is wrapped. Thread-safe.
 */
public final class DatabindResultCodec implements ResultCodec {
    private final ObjectMapper mapper;

    /**
     * @param mapper the application's mapper, or {@code null} for the default one
     */
    public DatabindResultCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * A codec over the application's mapper or the default one.
     *
     * @param mapper an {@code ObjectMapper}, or {@code null} for the default (typed {@code Object} so that callers
     *               load without databind)
     * @return the codec
     */
    public static DatabindResultCodec of(Object mapper) {
        return new DatabindResultCodec((ObjectMapper) mapper);
    }

    @Override
    public <T> Binding<T> bind(Class<T> type) {
        return mapper != null ? new Bound<>(mapper.readerFor(type), mapper.writerFor(type)) : new LazilyBound<>(type);
    }

    private record Bound<T>(ObjectReader reader, ObjectWriter writer) implements Binding<T> {
        @Override
        public byte[] encode(T value) throws IOException {
            return writer.writeValueAsBytes(value);
        }

        @Override
        public T decode(byte[] json) throws IOException {
            return reader.readValue(json);
        }
    }

    private static final class LazilyBound<T> implements Binding<T> {
        private final Class<T> type;
        private volatile Bound<T> bound;

        LazilyBound(Class<T> type) {
            this.type = type;
        }

        private Bound<T> bound() {
            Bound<T> b = bound;
            if (b == null) {
                ObjectMapper shared = DefaultMapper.MAPPER;
                b = new Bound<>(shared.readerFor(type), shared.writerFor(type));
                bound = b;
            }
            return b;
        }

        @Override
        public byte[] encode(T value) throws IOException {
            return bound().encode(value);
        }

        @Override
        public T decode(byte[] json) throws IOException {
            return bound().decode(json);
        }
    }

    private static final class DefaultMapper {
        static final ObjectMapper MAPPER = DatabindTrees.defaultMapper();
    }
}
