package dev.lambdaidempotency.benchmarks.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.lambdaidempotency.benchmarks.function.FloorFunction;
import dev.lambdaidempotency.benchmarks.function.Receipt;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The warm floor's codec: the same Jackson reader and writer the library builds for the response type. */
final class JacksonReceiptCodec implements FloorFunction.Codec<Receipt> {
    private final ObjectWriter writer;
    private final ObjectReader reader;

    JacksonReceiptCodec(ObjectMapper mapper) {
        this.writer = mapper.writerFor(Receipt.class);
        this.reader = mapper.readerFor(Receipt.class);
    }

    @Override
    public byte[] encode(Receipt value) {
        try {
            return writer.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Receipt decode(byte[] json) {
        try {
            return reader.readValue(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
