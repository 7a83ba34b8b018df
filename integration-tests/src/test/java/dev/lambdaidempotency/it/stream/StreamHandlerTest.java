package dev.lambdaidempotency.it.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.lambdaidempotency.Execution;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.IdempotencyKeyException;
import dev.lambdaidempotency.IdempotencyPayloadMismatchException;
import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.MissingKeyPolicy;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.StoredResult;
import dev.lambdaidempotency.testkit.InMemoryIdempotencyStore;
import dev.lambdaidempotency.testkit.InMemoryResultStore;
import dev.lambdaidempotency.testkit.MutableClock;
import dev.lambdaidempotency.testkit.TestLambdaContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@code Idempotency.wrapStream} through the public API on the in-memory stores: the output bytes recorded and
 * replayed byte for byte (JSON, text, binary, empty, offloaded), keys and payloads selected from the JSON input as
 * for wrapped handlers, and the typed errors.
 */
class StreamHandlerTest {
    private static final int MAX_INPUT = 6 * 1024 * 1024;

    private final MutableClock clock = MutableClock.start();
    private final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();
    private final InMemoryResultStore resultStore = new InMemoryResultStore();
    private final AtomicInteger runs = new AtomicInteger();
    private final List<Execution<byte[]>> executions = new ArrayList<>();

    private RequestStreamHandler wrap(UnaryOperator<IdempotencyConfig.Builder> settings, RequestStreamHandler user) {
        Idempotency idempotency = Idempotency.builder()
                .store(store)
                .resultStore(resultStore)
                .config(settings.apply(IdempotencyConfig.builder(Map.of()).functionName("streams").clock(clock))
                        .build())
                .build();
        return idempotency.wrapStream((input, output, context) -> {
            runs.incrementAndGet();
            user.handleRequest(input, output, context);
        }, execution -> {
            executions.add(execution);
            return execution.result();
        });
    }

    /** A handler that writes {@code output} whatever its input. */
    private RequestStreamHandler writing(UnaryOperator<IdempotencyConfig.Builder> settings, byte[] output) {
        return wrap(settings, (input, out, context) -> {
            input.readAllBytes();
            out.write(output);
        });
    }

    private static byte[] invoke(RequestStreamHandler handler, byte[] input) throws IOException {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(input), output, TestLambdaContext.fixed(60_000));
        return output.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static UnaryOperator<IdempotencyConfig.Builder> keyAt(String path) {
        return b -> b.keyPath(path);
    }

    private IdempotencyRecord onlyRecord() {
        assertEquals(1, store.records().size(), "records: " + store.records().keySet());
        return store.records().values().iterator().next();
    }

    private String storedJson() {
        return ((StoredResult.Inline) onlyRecord().result()).json();
    }

    // ---------------------------------------------------------------- output recorded and replayed byte for byte

    @Test
    void aJsonOutputIsReplayedByteForByteNotReserialized() throws IOException {
        byte[] output = utf8("{ \"z\" : 1.10,\n  \"a\": [1e2, \"\\u00e9t\u00e9\"] }\n");
        RequestStreamHandler handler = writing(keyAt("orderId"), output);
        byte[] input = utf8("{\"orderId\":\"o-1\",\"amount\":5}");

        assertArrayEquals(output, invoke(handler, input));
        clock.advance(Duration.ofSeconds(30));
        assertArrayEquals(output, invoke(handler, input));

        assertEquals(1, runs.get());
        assertEquals(List.of(Execution.Kind.EXECUTED, Execution.Kind.REPLAYED),
                executions.stream().map(Execution::kind).toList());
        assertEquals(MutableClock.DEFAULT_START.truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                executions.get(1).recordedAt());
        assertEquals("{\"output_text\":" + quoted(output) + "}", storedJson());
    }

    @Test
    void aTextOutputThatIsNotJsonIsReplayedAndStoredAsText() throws IOException {
        byte[] output = utf8("id,amount\r\no-1,5\r\n\u20ac\n");
        RequestStreamHandler handler = writing(keyAt("orderId"), output);

        invoke(handler, utf8("{\"orderId\":\"o-1\"}"));
        assertArrayEquals(output, invoke(handler, utf8("{\"orderId\":\"o-1\"}")));
        assertEquals(1, runs.get());
        assertEquals("{\"output_text\":" + quoted(output) + "}", storedJson());
    }

    @Test
    void aBinaryOutputIsReplayedByteForByteAndStoredAsBase64() throws IOException {
        byte[] output = new byte[1000];
        new Random(7).nextBytes(output);
        output[0] = (byte) 0xC0; // never valid UTF-8
        RequestStreamHandler handler = writing(keyAt("orderId"), output);

        assertArrayEquals(output, invoke(handler, utf8("{\"orderId\":\"o-1\"}")));
        assertArrayEquals(output, invoke(handler, utf8("{\"orderId\":\"o-1\"}")));
        assertEquals(1, runs.get());
        assertEquals("{\"output_base64\":\"" + Base64.getEncoder().encodeToString(output) + "\"}", storedJson());
    }

    @Test
    void outputsAtTheEdgesOfUtf8AreReplayedByteForByteInTheFormTheirValidityDecides() throws IOException {
        Map<byte[], String> forms = new java.util.LinkedHashMap<>();
        forms.put(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'}, "output_text");   // BOM + JSON
        forms.put(utf8("\u0000\uD83D\uDE00\uFFFF"), "output_text");                               // NUL, emoji
        forms.put(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0xBD}, "output_base64");             // a surrogate
        forms.put(new byte[] {(byte) 0xC0, (byte) 0xAF}, "output_base64");                          // overlong '/'
        forms.put(new byte[] {'o', 'k', (byte) 0xE2, (byte) 0x82}, "output_base64");                // truncated
        int order = 0;
        for (Map.Entry<byte[], String> form : forms.entrySet()) {
            store.clear();
            RequestStreamHandler handler = writing(keyAt("orderId"), form.getKey());
            byte[] input = utf8("{\"orderId\":\"o-" + order++ + "\"}");
            invoke(handler, input);
            assertTrue(storedJson().startsWith("{\"" + form.getValue() + "\":"), storedJson());
            assertArrayEquals(form.getKey(), invoke(handler, input));
        }
        assertEquals(forms.size(), runs.get());
    }

    @Test
    void aHandlerThatWritesNothingIsRecordedAndItsRepeatWritesNothing() throws IOException {
        RequestStreamHandler handler = writing(keyAt("orderId"), new byte[0]);

        assertEquals(0, invoke(handler, utf8("{\"orderId\":\"o-1\"}")).length);
        assertEquals(0, invoke(handler, utf8("{\"orderId\":\"o-1\"}")).length);
        assertEquals(1, runs.get(), "a method that returns nothing is still made idempotent");
        assertEquals(Execution.Kind.REPLAYED, executions.get(1).kind());
    }

    @Test
    void largeTextAndBinaryOutputsAreOffloadedAndReplayedByteForByte() throws IOException {
        byte[] text = utf8("{\"rows\":\"" + "r\u00e9sum\u00e9 ".repeat(20_000) + "\"}");
        byte[] binary = new byte[300_000];
        new Random(11).nextBytes(binary);
        binary[0] = (byte) 0xFF;
        for (byte[] output : List.of(text, binary)) {
            store.clear();
            RequestStreamHandler handler = writing(keyAt("orderId"), output);
            byte[] input = utf8("{\"orderId\":\"o-" + output.length + "\"}");
            assertArrayEquals(output, invoke(handler, input));
            assertTrue(onlyRecord().result() instanceof StoredResult.Offloaded, "offloaded");
            assertArrayEquals(output, invoke(handler, input));
        }
        assertEquals(2, runs.get());
        assertEquals(2, resultStore.size());
    }

    @Test
    void theHookDecoratesTheResponseButTheRecordKeepsTheHandlersBytes() throws IOException {
        RequestStreamHandler handler = Idempotency.builder().store(store)
                .config(IdempotencyConfig.builder(Map.of()).functionName("streams").keyPath("orderId").build())
                .build()
                .wrapStream((input, output, context) -> output.write(utf8("{\"ok\":true}")),
                        execution -> execution.replayed() ? utf8("replayed:" + new String(execution.result(),
                                StandardCharsets.UTF_8)) : execution.result());

        assertEquals("{\"ok\":true}", new String(invoke(handler, utf8("{\"orderId\":\"o\"}")), StandardCharsets.UTF_8));
        assertEquals("replayed:{\"ok\":true}", new String(invoke(handler, utf8("{\"orderId\":\"o\"}")),
                StandardCharsets.UTF_8));
        assertEquals("replayed:{\"ok\":true}", new String(invoke(handler, utf8("{\"orderId\":\"o\"}")),
                StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- keys and payloads from the input bytes

    @Test
    void theKeyComesFromAHeaderOfAnApiGatewayEventGivenAsBytes() throws IOException {
        RequestStreamHandler handler = writing(b -> b.keyHeader("Idempotency-Key").payloadPath("body"),
                utf8("{\"statusCode\":201}"));
        String event = "{\"version\":\"2.0\",\"headers\":{\"idempotency-key\":\"%s\",\"x-request-id\":\"%s\"},"
                + "\"body\":\"{\\\"amount\\\":%d}\",\"isBase64Encoded\":false}";

        invoke(handler, utf8(event.formatted("k-1", "r-1", 5)));
        invoke(handler, utf8(event.formatted("k-1", "r-2", 5)));
        assertEquals(1, runs.get(), "same key, same body: replayed although other headers differ");
        invoke(handler, utf8(event.formatted("k-2", "r-3", 5)));
        assertEquals(2, runs.get(), "another key runs");
        assertThrows(IdempotencyPayloadMismatchException.class,
                () -> invoke(handler, utf8(event.formatted("k-1", "r-4", 6))));
        IdempotencyKeyException missing = assertThrows(IdempotencyKeyException.class,
                () -> invoke(handler, utf8("{\"headers\":{},\"body\":\"{}\"}")));
        assertEquals(IdempotencyKeyException.Reason.MISSING, missing.reason());
        assertEquals(2, runs.get());
    }

    @Test
    void aBase64BodyIsDecodedForTheKeyAndPayloadAndSharesTheRecordOfThePlainBody() throws IOException {
        RequestStreamHandler handler = writing(b -> b.keyPath("body.orderId").payloadPath("body"), utf8("done"));
        String plain = "{\"orderId\":\"o-1\",\"amount\":5}";
        String event = "{\"body\":\"%s\",\"isBase64Encoded\":%s}";
        String encoded = Base64.getEncoder().encodeToString(utf8(plain));

        invoke(handler, utf8(event.formatted(encoded, "true")));
        assertArrayEquals(utf8("done"), invoke(handler, utf8(event.formatted(plain.replace("\"", "\\\""), "false"))));
        assertEquals(1, runs.get());
        String other = Base64.getEncoder().encodeToString(utf8("{\"orderId\":\"o-1\",\"amount\":6}"));
        assertThrows(IdempotencyPayloadMismatchException.class,
                () -> invoke(handler, utf8(event.formatted(other, "true"))));
        IdempotencyKeyException notBase64 = assertThrows(IdempotencyKeyException.class,
                () -> invoke(handler, utf8(event.formatted("%%%", "true"))));
        assertEquals(IdempotencyKeyException.Reason.UNREADABLE_EVENT, notBase64.reason());
        assertEquals(1, runs.get());
    }

    @Test
    void aReusedKeyWithAnotherPayloadIsAMismatchAndNothingIsWritten() throws IOException {
        RequestStreamHandler handler = writing(b -> b.keyPath("orderId").validatePayload(true), utf8("ok"));
        invoke(handler, utf8("{\"orderId\":\"o-1\",\"amount\":5}"));
        assertArrayEquals(utf8("ok"), invoke(handler, utf8("{ \"amount\": 5.0, \"orderId\": \"o-1\" }")),
                "canonical JSON: member order, whitespace and number spelling do not matter");

        ByteArrayOutputStream output = new ByteArrayOutputStream();
        assertThrows(IdempotencyPayloadMismatchException.class, () -> handlerOn(handler,
                "{\"orderId\":\"o-1\",\"amount\":6}", output));
        assertEquals(0, output.size());
        assertEquals(1, runs.get());
    }

    @Test
    void anInputWithoutTheKeyIsRejectedUnlessThePolicyRunsItWithoutIdempotency() throws IOException {
        RequestStreamHandler strict = writing(keyAt("orderId"), utf8("ok"));
        IdempotencyKeyException missing = assertThrows(IdempotencyKeyException.class,
                () -> invoke(strict, utf8("{\"other\":1}")));
        assertEquals(IdempotencyKeyException.Reason.MISSING, missing.reason());
        assertEquals(IdempotencyKeyException.Reason.MISSING, assertThrows(IdempotencyKeyException.class,
                () -> invoke(strict, new byte[0])).reason(), "an empty input has no key");
        assertEquals(0, runs.get());

        RequestStreamHandler lenient = writing(b -> b.keyPath("orderId")
                .missingKeyPolicy(MissingKeyPolicy.RUN_WITHOUT_IDEMPOTENCY), utf8("ok"));
        assertArrayEquals(utf8("ok"), invoke(lenient, utf8("{\"other\":1}")));
        assertArrayEquals(utf8("ok"), invoke(lenient, utf8("{\"other\":1}")));
        assertEquals(2, runs.get());
        assertEquals(Execution.Kind.EXECUTED_WITHOUT_KEY, executions.get(1).kind());
        assertTrue(store.records().isEmpty());
    }

    @Test
    void aNonJsonInputIsUnreadableWhenTheKeyIsAPathButIsHashedByItsBytesWhenItIsTheKey() throws IOException {
        byte[] csv = utf8("o-1,5\n");
        RequestStreamHandler byPath = writing(keyAt("orderId"), utf8("ok"));
        IdempotencyKeyException unreadable = assertThrows(IdempotencyKeyException.class,
                () -> invoke(byPath, csv));
        assertEquals(IdempotencyKeyException.Reason.UNREADABLE_EVENT, unreadable.reason());
        assertEquals(0, runs.get());

        RequestStreamHandler whole = writing(b -> b, utf8("ok"));
        invoke(whole, csv);
        invoke(whole, csv);
        assertEquals(1, runs.get());
        invoke(whole, utf8("o-1,6\n"));
        assertEquals(2, runs.get(), "other bytes, another key");
        byte[] binary = {(byte) 0xFF, 0, 1, 2};
        invoke(whole, binary);
        invoke(whole, binary);
        assertEquals(3, runs.get());
    }

    @Test
    void aWholeJsonInputKeyIgnoresWhitespaceAndMemberOrder() throws IOException {
        RequestStreamHandler whole = writing(b -> b, utf8("ok"));
        invoke(whole, utf8("{\"a\":1,\"b\":2}"));
        invoke(whole, utf8("{ \"b\": 2, \"a\": 1 }\n"));
        assertEquals(1, runs.get());
    }

    // ---------------------------------------------------------------- in progress, failures, bounds

    @Test
    void aRepeatWhileTheFirstRunsIsInProgressAndWritesNothing() throws IOException {
        ByteArrayOutputStream repeatOutput = new ByteArrayOutputStream();
        IdempotencyInProgressException[] refused = new IdempotencyInProgressException[1];
        RequestStreamHandler[] self = new RequestStreamHandler[1];
        self[0] = wrap(keyAt("orderId"), (input, output, context) -> {
            byte[] event = input.readAllBytes();
            if (runs.get() == 1) {
                refused[0] = assertThrows(IdempotencyInProgressException.class, () -> self[0].handleRequest(
                        new ByteArrayInputStream(event), repeatOutput, TestLambdaContext.fixed(60_000)));
            }
            output.write(utf8("first"));
        });

        assertArrayEquals(utf8("first"), invoke(self[0], utf8("{\"orderId\":\"o-1\"}")));
        assertNotNull(refused[0]);
        assertEquals(0, repeatOutput.size());
        assertEquals(1, runs.get());
    }

    @Test
    void aHandlerThatThrowsAfterWritingWritesNothingPassesItsExceptionAndReleasesTheClaim() throws IOException {
        IOException failure = new IOException("downstream refused");
        boolean[] fail = {true};
        RequestStreamHandler handler = wrap(keyAt("orderId"), (input, output, context) -> {
            output.write(utf8("{\"partial\":"));
            if (fail[0]) {
                throw failure;
            }
            output.write(utf8("true}"));
        });
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        IOException thrown = assertThrows(IOException.class, () -> handlerOn(handler, "{\"orderId\":\"o-1\"}", output));

        assertSame(failure, thrown);
        assertEquals(0, output.size(), "the partial output never reaches the caller");
        assertTrue(store.records().isEmpty(), "the claim was released");
        fail[0] = false;
        assertArrayEquals(utf8("{\"partial\":true}"), invoke(handler,
                utf8("{\"orderId\":\"o-1\"}")), "the retry runs again and writes only its own output");
        assertEquals(2, runs.get());

        RuntimeException unchecked = new IllegalStateException("bug");
        RequestStreamHandler throwing = wrap(keyAt("orderId"), (input, out, context) -> {
            throw unchecked;
        });
        assertSame(unchecked, assertThrows(IllegalStateException.class, () -> invoke(throwing,
                utf8("{\"orderId\":\"o-2\"}"))));
    }

    @Test
    void anInputOverSixMebibytesIsRefusedWithoutReadingItAllOrRunning() throws IOException {
        RequestStreamHandler handler = writing(b -> b, utf8("ok"));
        CountingEndlessInput endless = new CountingEndlessInput();

        IdempotencyKeyException tooLarge = assertThrows(IdempotencyKeyException.class,
                () -> handler.handleRequest(endless, new ByteArrayOutputStream(), null));

        assertEquals(IdempotencyKeyException.Reason.UNREADABLE_EVENT, tooLarge.reason());
        assertTrue(tooLarge.getMessage().contains("6291456 bytes"), tooLarge.getMessage());
        assertEquals(MAX_INPUT + 1L, endless.read, "read no further than one byte past the limit");
        assertEquals(0, runs.get());
        assertTrue(store.records().isEmpty());

        String prefix = "{\"orderId\":\"o-1\",\"pad\":\"";
        String exactlyMax = prefix + "x".repeat(MAX_INPUT - prefix.length() - 2) + "\"}";
        assertEquals(MAX_INPUT, exactlyMax.length());
        RequestStreamHandler echoLength = wrap(keyAt("orderId"),
                (input, output, context) -> output.write(utf8(Integer.toString(input.readAllBytes().length))));
        assertArrayEquals(utf8(Integer.toString(MAX_INPUT)), invoke(echoLength, utf8(exactlyMax)),
                "an input of exactly the limit is read whole and handed to the handler");
    }

    @Test
    void aRecordWrittenByATypedHandlerIsUnavailableAsStreamOutputNotRunAgain() throws IOException {
        Idempotency idempotency = Idempotency.builder().store(store)
                .config(IdempotencyConfig.builder(Map.of()).functionName("streams").keyPath("orderId").build())
                .build();
        idempotency.<Map<String, Object>, String>wrap((event, context) -> "typed", String.class)
                .handleRequest(Map.of("orderId", "o-1"), null);
        RequestStreamHandler stream = idempotency.wrapStream((input, output, context) -> runs.incrementAndGet());

        // the record is completed: the key was processed, only not by a stream handler; never run again
        assertThrows(IdempotencyResultUnavailableException.class, () -> invoke(stream, utf8("{\"orderId\":\"o-1\"}")));
        assertEquals(0, runs.get());
    }

    private static void handlerOn(RequestStreamHandler handler, String input, ByteArrayOutputStream output)
            throws IOException {
        handler.handleRequest(new ByteArrayInputStream(utf8(input)), output, null);
    }

    private static String quoted(byte[] text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                    new String(text, StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    /** An input that never ends, counting what was read from it. */
    private static final class CountingEndlessInput extends InputStream {
        long read;

        @Override
        public int read() {
            read++;
            return 'x';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            java.util.Arrays.fill(b, off, off + len, (byte) 'x');
            read += len;
            return len;
        }
    }
}
