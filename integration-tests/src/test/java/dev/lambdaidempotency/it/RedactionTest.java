package dev.lambdaidempotency.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.lambdaidempotency.Execution;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.IdempotentOperation;
import dev.lambdaidempotency.Redaction;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.RecordStatus;
import dev.lambdaidempotency.spi.StoredResult;
import dev.lambdaidempotency.testkit.InMemoryIdempotencyStore;
import dev.lambdaidempotency.testkit.InMemoryResultStore;
import dev.lambdaidempotency.testkit.MutableClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * What a {@link Redaction} does to the recorded result, on the in-memory stores: the first caller gets the live
 * result, the record and the offloaded object hold the redacted form, every repeat replays it, and a redaction that
 * fails stores nothing and never runs the operation twice.
 */
class RedactionTest {
    /** The card of a charge: the number is what must never be stored. */
    public record Card(String number, String holder, String brand) {
    }

    /** A charge result. */
    public record Charge(String id, long amount, Card card) {
        Charge withCard(Card other) {
            return new Charge(id, amount, other);
        }
    }

    private static final String NUMBER = "4242424242424242";

    private final MutableClock clock = MutableClock.start();
    private final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();
    private final InMemoryResultStore results = new InMemoryResultStore();
    private final AtomicInteger runs = new AtomicInteger();

    private Idempotency idempotency(UnaryOperator<IdempotencyConfig.Builder> config) {
        return Idempotency.builder().store(store).resultStore(results)
                .config(config.apply(IdempotencyConfig.builder(Map.of()).functionName("payments").clock(clock))
                        .build())
                .build();
    }

    private Charge charge() {
        return new Charge("ch-" + runs.incrementAndGet(), 1250, new Card(NUMBER, "Ada Lovelace", "visa"));
    }

    private IdempotencyRecord onlyRecord() {
        assertEquals(1, store.records().size());
        return store.records().values().iterator().next();
    }

    private String inlineJson() {
        return assertInstanceOf(StoredResult.Inline.class, onlyRecord().result()).json();
    }

    @Test
    void theFirstCallerGetsTheLiveResultAndEveryRepeatTheRedactedOne() {
        IdempotentOperation<Charge> charges = idempotency(c -> c).operation("charge", Charge.class,
                Redaction.of(charge -> charge.withCard(new Card(null, charge.card().holder(), charge.card().brand()))));
        List<Charge> live = new ArrayList<>();

        Execution<Charge> first = charges.execute("k-1", null, null, () -> {
            Charge c = charge();
            live.add(c);
            return c;
        });
        Execution<Charge> repeat = charges.execute("k-1", null, null, this::charge);

        assertSame(live.get(0), first.result(), "the first caller gets the very object the operation returned");
        assertEquals(NUMBER, first.result().card().number(), "and the redaction did not modify it");
        assertTrue(repeat.replayed());
        assertEquals(new Charge("ch-1", 1250, new Card(null, "Ada Lovelace", "visa")), repeat.result());
        assertFalse(inlineJson().contains(NUMBER), inlineJson());
        assertTrue(inlineJson().contains("Ada Lovelace"), inlineJson());
        assertEquals(1, runs.get());
    }

    @Test
    void pathEditsDropAndMaskTheRecordedJsonAndTheReplayDecodesIntoTheType() {
        IdempotentOperation<Charge> charges = idempotency(c -> c).operation("charge", Charge.class,
                Redaction.<Charge>drop("card.number").thenMask("****", "card.holder"));

        assertEquals(NUMBER, charges.call("k-1", this::charge).card().number());
        Charge replayed = charges.call("k-1", this::charge);

        assertEquals(new Charge("ch-1", 1250, new Card(null, "****", "visa")), replayed);
        assertEquals("{\"id\":\"ch-1\",\"amount\":1250,\"card\":{\"holder\":\"****\",\"brand\":\"visa\"}}",
                inlineJson());
    }

    @Test
    void anOffloadedResultIsRedactedBeforeItIsWrittenAndItsChecksumCoversTheRedactedBytes() {
        IdempotentOperation<Charge> charges = idempotency(c -> c.offloadThresholdBytes(0)).operation("charge",
                Charge.class, Redaction.mask("****", "card.number"));

        assertEquals(NUMBER, charges.call("k-1", this::charge).card().number());
        StoredResult.Offloaded offloaded = assertInstanceOf(StoredResult.Offloaded.class, onlyRecord().result());
        // get() verifies size and SHA-256 against the pointer: the pointer describes the redacted bytes
        String object = new String(results.get(onlyRecord().id(), offloaded.pointer()), StandardCharsets.UTF_8);

        assertFalse(object.contains(NUMBER), object);
        assertTrue(object.contains("\"number\":\"****\""), object);
        assertEquals("****", charges.call("k-1", this::charge).card().number());
        assertEquals(1, runs.get());
    }

    @Test
    void aRedactionThatThrowsStoresNothingAndRepeatsAreRefusedNotRunAgain() {
        IdempotentOperation<Charge> charges = idempotency(c -> c).operation("charge", Charge.class,
                Redaction.of(charge -> {
                    throw new IllegalStateException("cannot redact " + charge.card().number());
                }));

        assertEquals(NUMBER, charges.call("k-1", this::charge).card().number(), "the first caller is served");
        IdempotencyRecord record = onlyRecord();
        assertEquals(RecordStatus.COMPLETED, record.status());
        String reason = assertInstanceOf(StoredResult.Unavailable.class, record.result()).reason();
        assertEquals("the result could not be redacted: the redaction function threw "
                + "java.lang.IllegalStateException", reason);

        IdempotencyResultUnavailableException repeat = assertThrows(IdempotencyResultUnavailableException.class,
                () -> charges.call("k-1", this::charge));
        assertFalse(repeat.getMessage().contains(NUMBER), repeat.getMessage());
        assertEquals(1, runs.get());
    }

    @Test
    void theLogOfAFailedRedactionDoesNotQuoteTheRedactorsMessage() {
        List<LogRecord> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("dev.lambdaidempotency");
        logger.addHandler(capture);
        try {
            idempotency(c -> c).operation("charge", Charge.class, Redaction.of(charge -> {
                throw new IllegalStateException("cannot redact " + charge.card().number());
            })).call("k-1", this::charge);
        } finally {
            logger.removeHandler(capture);
        }

        assertEquals(1, logged.size());
        StringWriter text = new StringWriter();
        logged.get(0).getThrown().printStackTrace(new PrintWriter(text));
        String line = logged.get(0).getMessage() + "\n" + text;
        assertFalse(line.contains(NUMBER), line);
        assertTrue(line.contains("java.lang.IllegalStateException (message withheld"), line);
        assertTrue(line.contains("RedactionTest"), "where it was thrown is kept: " + line);
    }

    @Test
    void aMaskThatTheResultTypeCannotReadBackFailsClosed() {
        IdempotentOperation<Charge> charges = idempotency(c -> c).operation("charge", Charge.class,
                Redaction.mask("****", "amount"));

        assertEquals(1250, charges.call("k-1", this::charge).amount());

        String reason = assertInstanceOf(StoredResult.Unavailable.class, onlyRecord().result()).reason();
        assertTrue(reason.startsWith("the result could not be redacted: the redacted result does not read back "
                + "into the result type"), reason);
        assertThrows(IdempotencyResultUnavailableException.class, () -> charges.call("k-1", this::charge));
        assertEquals(1, runs.get());
    }

    @Test
    void aRedactionToNullRecordsNoResultAndRepeatsGetNull() {
        IdempotentOperation<Charge> charges = idempotency(c -> c).operation("charge", Charge.class,
                Redaction.of(charge -> null));

        assertEquals("ch-1", charges.call("k-1", this::charge).id());
        Execution<Charge> repeat = charges.execute("k-1", null, null, this::charge);

        assertTrue(repeat.replayed());
        assertNull(repeat.result());
        assertEquals("null", inlineJson());
    }

    @Test
    void theLocalCacheHoldsAndReplaysTheRedactedForm() {
        IdempotentOperation<Charge> charges = idempotency(c -> c.localCacheSize(10)).operation("charge",
                Charge.class, Redaction.drop("card"));
        charges.call("k-1", this::charge);
        store.clear(); // a replay now can only come from the cache

        Execution<Charge> repeat = charges.execute("k-1", null, null, this::charge);

        assertTrue(repeat.replayed());
        assertEquals(new Charge("ch-1", 1250, null), repeat.result());
    }

    @Test
    void aWrappedHandlerSeesTheLiveResponseFirstAndTheRedactedOneOnReplay() {
        List<Execution<Charge>> seen = new ArrayList<>();
        RequestHandler<Map<String, Object>, Charge> handler = idempotency(c -> c.keyPath("orderId"))
                .wrap((event, context) -> charge(), Charge.class, Redaction.mask("****", "card.number"),
                        execution -> {
                            seen.add(execution);
                            return execution.result();
                        });

        Charge first = handler.handleRequest(Map.of("orderId", "o-1"), null);
        Charge second = handler.handleRequest(Map.of("orderId", "o-1"), null);

        assertEquals(NUMBER, first.card().number());
        assertEquals("****", second.card().number());
        assertEquals(List.of(false, true), seen.stream().map(Execution::replayed).toList());
        assertEquals(1, runs.get());
    }

    @Test
    void aWrappedApiGatewayHandlerHasItsJsonBodyEditedInPlace() {
        RequestHandler<Map<String, Object>, APIGatewayProxyResponseEvent> handler = idempotency(c -> c
                .keyPath("orderId")).wrap((event, context) -> new APIGatewayProxyResponseEvent().withStatusCode(201)
                        .withBody("{\"card\":{\"number\":\"" + NUMBER + "\",\"brand\":\"visa\"}}"),
                APIGatewayProxyResponseEvent.class, Redaction.mask("****", "body.card.number"));

        assertTrue(handler.handleRequest(Map.of("orderId", "o-1"), null).getBody().contains(NUMBER));
        APIGatewayProxyResponseEvent replay = handler.handleRequest(Map.of("orderId", "o-1"), null);

        assertEquals(201, replay.getStatusCode());
        assertEquals("{\"card\":{\"number\":\"****\",\"brand\":\"visa\"}}", replay.getBody());
        assertFalse(inlineJson().contains(NUMBER), inlineJson());
    }

    @Test
    void withoutARedactionTheRecordHoldsTheWholeResult() {
        // the control for the tests above: the same result, recorded as it is
        IdempotentOperation<Charge> charges = idempotency(c -> c).operation("charge", Charge.class);
        charges.call("k-1", this::charge);
        assertTrue(inlineJson().contains(NUMBER));
        assertEquals(NUMBER, charges.call("k-1", this::charge).card().number());
    }

    @Test
    void aCompletedRecordWhoseResultNoLongerDecodesIsUnavailableNotRunAgain() {
        // a deployment changed the operation's result type: the record is readable and says COMPLETED
        idempotency(c -> c).operation("charge", Charge.class).call("k-1", this::charge);
        IdempotentOperation<Integer> changed = idempotency(c -> c).operation("charge", Integer.class);

        IdempotencyResultUnavailableException e = assertThrows(IdempotencyResultUnavailableException.class,
                () -> changed.call("k-1", () -> runs.incrementAndGet()));

        assertEquals(onlyRecord().id(), e.recordId());
        assertTrue(e.getMessage().contains("does not deserialize into the expected type"), e.getMessage());
        assertEquals(1, runs.get());
    }
}
