package dev.lambdaidempotency.it.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.ResultCodec;
import dev.lambdaidempotency.spi.StoredResult;
import dev.lambdaidempotency.testkit.InMemoryIdempotencyStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which codec records and replays results: a codec passed in, the application's mapper, or the default. */
class ResultCodecTest {
    /** A result. */
    public record Receipt(String orderId, long amountCents) {
    }

    /** An event bean, read by getters. */
    public static final class Order {
        /**
         * @return the order id
         */
        public String getOrderId() {
            return "o-1";
        }
    }

    private final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();
    private final AtomicInteger runs = new AtomicInteger();

    private Idempotency.Builder builder(String keyPath) {
        return Idempotency.builder().store(store)
                .config(IdempotencyConfig.builder(Map.of()).functionName("fn").keyPath(keyPath).build());
    }

    private <I> RequestHandler<I, Receipt> wrap(Idempotency idempotency) {
        return idempotency.wrap((event, context) -> new Receipt("o-" + runs.incrementAndGet(), 1250), Receipt.class);
    }

    private String storedJson() {
        IdempotencyRecord record = store.records().values().iterator().next();
        return assertInstanceOf(StoredResult.Inline.class, record.result()).json();
    }

    /** Writes "orderId|amountCents" and counts what it encodes and decodes. */
    private static final class PipeCodec implements ResultCodec {
        final List<String> calls = new ArrayList<>();

        @Override
        public <T> Binding<T> bind(Class<T> type) {
            if (type != Receipt.class) {
                throw new IllegalArgumentException("only receipts, not " + type.getSimpleName());
            }
            return new Binding<>() {
                @Override
                public byte[] encode(T value) {
                    calls.add("encode");
                    Receipt receipt = (Receipt) value;
                    return ("\"" + receipt.orderId() + "|" + receipt.amountCents() + "\"")
                            .getBytes(StandardCharsets.UTF_8);
                }

                @Override
                public T decode(byte[] json) {
                    calls.add("decode");
                    String[] parts = new String(json, StandardCharsets.UTF_8).replace("\"", "").split("\\|");
                    return type.cast(new Receipt(parts[0], Long.parseLong(parts[1])));
                }
            };
        }
    }

    @Test
    void aCodecPassedInRecordsAndReplaysAndRefusesTypesAtWrapTime() {
        PipeCodec codec = new PipeCodec();
        Idempotency idempotency = builder("orderId").resultCodec(codec).build();
        RequestHandler<Map<String, String>, Receipt> handler = wrap(idempotency);
        Receipt first = handler.handleRequest(Map.of("orderId", "a"), null);
        assertEquals("\"o-1|1250\"", storedJson());
        assertEquals(first, handler.handleRequest(Map.of("orderId", "a"), null));
        assertEquals(List.of("encode", "decode"), codec.calls);
        assertEquals(1, runs.get());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> idempotency.wrap((Map<String, String> event, com.amazonaws.services.lambda.runtime.Context c)
                        -> "x", String.class));
        assertEquals("only receipts, not String", refused.getMessage());
    }

    @Test
    void theApplicationsMapperReadsEventsAndRecordsResults() {
        JsonMapper snakeCase = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
        RequestHandler<Order, Receipt> handler = wrap(builder("order_id").objectMapper(snakeCase).build());
        Receipt first = handler.handleRequest(new Order(), null);
        assertEquals("{\"order_id\":\"o-1\",\"amount_cents\":1250}", storedJson(), "results with the mapper");
        assertEquals(first, handler.handleRequest(new Order(), null));
        assertEquals(1, runs.get(), "the key found at order_id: events read with the mapper");
    }

    @Test
    void withDatabindOnTheClassPathResultsGoThroughDatabindByDefault() {
        RequestHandler<Order, Receipt> handler = wrap(builder("orderId").build());
        Receipt first = handler.handleRequest(new Order(), null);
        assertEquals("{\"orderId\":\"o-1\",\"amountCents\":1250}", storedJson());
        assertEquals(first, handler.handleRequest(new Order(), null));
        assertEquals(1, runs.get());
    }
}
