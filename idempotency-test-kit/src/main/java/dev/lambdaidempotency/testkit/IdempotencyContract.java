package dev.lambdaidempotency.testkit;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lambdaidempotency.s3.S3ResultStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Idempotency contract tests generated from captured events: for every event file, JUnit 5 dynamic tests that invoke
 * a fresh instance of your handler on real backends (DynamoDB Local and S3Proxy through {@link LocalAwsExtension}, a
 * new table and bucket per test) and check what an idempotent handler must do:
 *
 * <ul>
 *   <li><b>repeat</b>: the event twice; the second invocation causes no effect and answers the same;</li>
 *   <li><b>concurrent duplicates</b>: N copies at once cause the effects of one invocation, and every copy gets the
 *       same answer or "in progress";</li>
 *   <li><b>changed payload</b>: the same key with another payload is refused as a mismatch, with no new effect;</li>
 *   <li><b>missing key</b>: the event without its key is refused and causes no effect.</li>
 * </ul>
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalAwsExtension aws = LocalAwsExtension.embedded();
 *
 * @TestFactory
 * Stream<DynamicNode> paymentsAreIdempotent() {
 *     return IdempotencyContract.forHandler(APIGatewayProxyRequestEvent.class, backend ->
 *                     new PaymentFunction(backend.idempotency(), request -> backend.effect()))
 *             .events(Path.of("src/test/resources/captured"))
 *             .on(aws)
 *             .tests();
 * }
 * }</pre>
 *
 * <p>The handler factory gets a {@link ContractBackend}: the stores to build your {@code Idempotency} on, and
 * {@link ContractBackend#effect()} to call wherever your handler has its side effect (the charge, the e-mail). Events
 * are read the way the Lambda Java runtime reads them (aws-lambda-java-events types included). The defaults know our
 * own adapters' answers (HTTP 409/422/400 problems, partial batch responses) and the usual event shapes (an
 * {@code Idempotency-Key} header, a JSON {@code body}, SQS {@code Records}); other handlers say how to change a
 * payload, drop a key and recognise each answer with the builder's options. Instances are immutable.
 *
 * @param <I> the event type
 * @param <O> the response type
 */
public final class IdempotencyContract<I, O> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private final Builder<I, O> settings;

    private IdempotencyContract(Builder<I, O> settings) {
        this.settings = settings.copy();
    }

    /**
     * Creates a handler on the backend of one test.
     *
     * @param <I> event type
     * @param <O> response type
     */
    @FunctionalInterface
    public interface HandlerFactory<I, O> {
        /**
         * @param backend the stores and the effect counter of one test
         * @return a new handler (as Lambda would construct it in a new execution environment)
         * @throws Exception when it cannot be built
         */
        RequestHandler<I, O> create(ContractBackend backend) throws Exception;
    }

    /**
     * What an invocation produced: a response or an exception.
     *
     * @param response the response, or {@code null}
     * @param error    what the handler threw, or {@code null}
     * @param <O>      the response type
     */
    public record Outcome<O>(O response, RuntimeException error) {
        /**
         * The response as a JSON tree (for predicates on HTTP or batch responses).
         *
         * @return the tree; a missing node when there is no response
         */
        public JsonNode json() {
            return response == null ? JSON.missingNode() : JSON.valueToTree(response);
        }

        @Override
        public String toString() {
            String text = error != null ? "threw " + error : "answered " + json();
            return text.length() <= 600 ? text : text.substring(0, 600) + "... (" + text.length() + " characters)";
        }
    }

    /**
     * Starts a contract for handlers of one type.
     *
     * @param eventType the handler's event type (read as the Lambda Java runtime reads it)
     * @param factory   builds a fresh handler for each test
     * @param <I>       event type
     * @param <O>       response type
     * @return the builder
     */
    public static <I, O> Builder<I, O> forHandler(Class<I> eventType, HandlerFactory<I, O> factory) {
        return new Builder<>(eventType, factory);
    }

    /**
     * The dynamic tests: one container per event file, four tests in each.
     *
     * @return the tests, for a {@code @TestFactory} method
     */
    public Stream<DynamicNode> tests() {
        Clients clients = new Clients(settings.aws); // one pair of SDK clients for all the tests; a table each
        return settings.files.stream().map(file -> DynamicContainer.dynamicContainer(file.getFileName().toString(),
                file.toUri(), Stream.of(
                        DynamicTest.dynamicTest("a repeat causes no effect and gets the same answer",
                                () -> repeat(clients, read(file))),
                        DynamicTest.dynamicTest(settings.concurrency + " concurrent duplicates cause one invocation's"
                                + " effects", () -> concurrent(clients, read(file))),
                        DynamicTest.dynamicTest("the same key with a changed payload is refused",
                                () -> changedPayload(clients, read(file))),
                        DynamicTest.dynamicTest("the event without its key is refused",
                                () -> missingKey(clients, read(file))))));
    }

    private void repeat(Clients clients, ObjectNode event) throws Exception {
        Run run = new Run(clients);
        Outcome<O> first = run.invoke(event);
        int effects = run.backend.effects();
        Assertions.assertNull(first.error(), () -> "the first invocation failed: " + first);
        Assertions.assertTrue(effects > 0, "the first invocation had no effect: call ContractBackend.effect() where "
                + "the handler has its side effect");
        Outcome<O> again = run.invoke(event);
        Assertions.assertEquals(effects, run.backend.effects(), () -> "the repeat had an effect: " + again);
        Assertions.assertTrue(settings.sameAnswer.test(first.response(), again.response()),
                () -> "the repeat answered differently:\n first: " + first + "\n again: " + again);
    }

    private void concurrent(Clients clients, ObjectNode event) throws Exception {
        Run once = new Run(clients);
        once.invoke(event);
        int single = once.backend.effects();
        Run run = new Run(clients);
        int n = settings.concurrency;
        CyclicBarrier start = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Outcome<O>> outcomes = new ArrayList<>();
        try {
            List<Future<Outcome<O>>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return run.invoke(event);
                }));
            }
            for (Future<Outcome<O>> future : futures) {
                outcomes.add(future.get(2, TimeUnit.MINUTES));
            }
        } finally {
            pool.shutdownNow();
        }
        Assertions.assertEquals(single, run.backend.effects(), () -> n + " concurrent duplicates caused "
                + run.backend.effects() + " effects, one invocation causes " + single + ": " + outcomes);
        Outcome<O> answer = null;
        for (Outcome<O> outcome : outcomes) {
            if (settings.inProgress.test(outcome)) {
                continue;
            }
            Assertions.assertNull(outcome.error(), () -> "neither an answer nor 'in progress': " + outcome);
            if (answer == null) {
                answer = outcome;
            }
            Outcome<O> first = answer;
            Assertions.assertTrue(settings.sameAnswer.test(first.response(), outcome.response()),
                    () -> "two different answers to duplicates:\n " + first + "\n " + outcome);
        }
    }

    private void changedPayload(Clients clients, ObjectNode event) throws Exception {
        Run run = new Run(clients);
        run.invoke(event);
        int effects = run.backend.effects();
        Outcome<O> changed = run.invoke(settings.changePayload.apply(event.deepCopy()));
        Assertions.assertTrue(settings.mismatch.test(changed), () -> "not refused as a mismatch: " + changed);
        Assertions.assertEquals(effects, run.backend.effects(), "a refused mismatch had an effect");
    }

    private void missingKey(Clients clients, ObjectNode event) throws Exception {
        Run run = new Run(clients);
        Outcome<O> outcome = run.invoke(settings.removeKey.apply(event.deepCopy()));
        Assertions.assertTrue(settings.missingKey.test(outcome), () -> "not refused for its missing key: " + outcome);
        Assertions.assertEquals(0, run.backend.effects(), "an event without a key had an effect");
    }

    /** SDK clients for the extension's backends, made on first use and shared by a contract's tests. */
    private static final class Clients {
        private final LocalAwsExtension aws;
        private DynamoDbClient dynamoDb;
        private S3Client s3;

        Clients(LocalAwsExtension aws) {
            this.aws = aws;
        }

        /** A new table and bucket, with stores on them. */
        synchronized ContractBackend newBackend() {
            if (dynamoDb == null) {
                dynamoDb = aws.dynamoDbClient();
                s3 = aws.s3Client();
            }
            return new ContractBackend(aws.newStore(dynamoDb),
                    S3ResultStore.builder(Map.of()).client(s3).bucket(aws.newBucket(s3)).build());
        }
    }

    /** One test's backend and handler. */
    private final class Run {
        final ContractBackend backend;
        final RequestHandler<I, O> handler;

        Run(Clients clients) throws Exception {
            backend = clients.newBackend();
            handler = settings.factory.create(backend);
        }

        Outcome<O> invoke(ObjectNode event) {
            I input = settings.serializer.fromJson(event.toString());
            try {
                return new Outcome<>(handler.handleRequest(input, TestLambdaContext.fixed(60_000)), null);
            } catch (RuntimeException e) {
                return new Outcome<>(null, e);
            }
        }
    }

    private static ObjectNode read(Path file) {
        try {
            JsonNode node = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (!(node instanceof ObjectNode object)) {
                throw new IllegalArgumentException(file + " is not a JSON object");
            }
            return object;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the event " + file, e);
        }
    }

    // ------------------------------------------------------------------------------------------------ defaults

    /** An answer refusing the request with {@code status} (HTTP), or reporting records failed (batch). */
    private static boolean refused(Outcome<?> outcome, int status) {
        JsonNode json = outcome.json();
        return json.path("statusCode").asInt() == status
                || json.path("batchItemFailures").isArray() && !json.path("batchItemFailures").isEmpty();
    }

    private static boolean sameAnswer(Object first, Object again) {
        return withoutReplayMarker(JSON.valueToTree(first)).equals(withoutReplayMarker(JSON.valueToTree(again)));
    }

    private static JsonNode withoutReplayMarker(JsonNode response) {
        if (response instanceof ObjectNode object) {
            for (String headers : List.of("headers", "multiValueHeaders")) {
                if (object.get(headers) instanceof ObjectNode map) {
                    map.remove(REPLAYED_HEADER);
                    if (map.isEmpty()) {
                        object.remove(headers);
                    }
                }
            }
        }
        return response;
    }

    /** Adds a member to a JSON body (or appends to a text one), in the event or in each SQS record. */
    static ObjectNode changeBodies(ObjectNode event) {
        if (event.has("body")) {
            event.put("body", changed(event.path("body").asText(), event.path("isBase64Encoded").asBoolean()));
            return event;
        }
        if (event.path("Records").isArray() && event.path("Records").path(0).has("body")) {
            for (JsonNode record : event.path("Records")) {
                ((ObjectNode) record).put("body", changed(record.path("body").asText(), false));
            }
            return event;
        }
        throw new IllegalStateException("no body to change in this event: give the contract a changePayload(...)");
    }

    private static String changed(String body, boolean base64) {
        String text = base64 ? new String(java.util.Base64.getDecoder().decode(body), StandardCharsets.UTF_8) : body;
        String result;
        try {
            JsonNode json = JSON.readTree(text);
            if (json instanceof ObjectNode object) {
                object.put("contractChangedPayload", true);
                result = object.toString();
            } else {
                result = text + " (changed)";
            }
        } catch (IOException notJson) {
            result = text + " (changed)";
        }
        return base64 ? java.util.Base64.getEncoder().encodeToString(result.getBytes(StandardCharsets.UTF_8))
                : result;
    }

    /** Removes an {@code Idempotency-Key} header (any case) from {@code headers} and {@code multiValueHeaders}. */
    static ObjectNode removeKeyHeader(ObjectNode event) {
        boolean removed = false;
        for (String headers : List.of("headers", "multiValueHeaders")) {
            if (event.get(headers) instanceof ObjectNode map) {
                List<String> names = new ArrayList<>();
                map.fieldNames().forEachRemaining(names::add);
                for (String name : names) {
                    if (name.equalsIgnoreCase("Idempotency-Key")) {
                        map.remove(name);
                        removed = true;
                    }
                }
            }
        }
        if (!removed) {
            throw new IllegalStateException("no Idempotency-Key header in this event: give the contract a "
                    + "removeKey(...)");
        }
        return event;
    }

    /**
     * Configures a contract.
     *
     * @param <I> event type
     * @param <O> response type
     */
    public static final class Builder<I, O> {
        private final Class<I> eventType;
        private final HandlerFactory<I, O> factory;
        private final PojoSerializer<I> serializer;
        private final List<Path> files = new ArrayList<>();
        private LocalAwsExtension aws;
        private int concurrency = 8;
        private UnaryOperator<ObjectNode> changePayload = IdempotencyContract::changeBodies;
        private UnaryOperator<ObjectNode> removeKey = IdempotencyContract::removeKeyHeader;
        private Predicate<Outcome<O>> mismatch = outcome -> outcome.error()
                instanceof dev.lambdaidempotency.IdempotencyPayloadMismatchException || refused(outcome, 422);
        private Predicate<Outcome<O>> missingKey = outcome -> outcome.error()
                instanceof dev.lambdaidempotency.IdempotencyKeyException || refused(outcome, 400);
        private Predicate<Outcome<O>> inProgress = outcome -> outcome.error()
                instanceof dev.lambdaidempotency.IdempotencyInProgressException || refused(outcome, 409);
        private BiPredicate<O, O> sameAnswer = IdempotencyContract::sameAnswer;

        private Builder(Class<I> eventType, HandlerFactory<I, O> factory) {
            this.eventType = Objects.requireNonNull(eventType, "eventType");
            this.factory = Objects.requireNonNull(factory, "factory");
            this.serializer = LambdaEventSerializers.serializerFor(eventType, IdempotencyContract.class.getClassLoader());
        }

        /** A snapshot, so that a built contract does not change with its builder. */
        private Builder<I, O> copy() {
            Builder<I, O> copy = new Builder<>(eventType, factory);
            copy.files.addAll(files);
            copy.aws = aws;
            copy.concurrency = concurrency;
            copy.changePayload = changePayload;
            copy.removeKey = removeKey;
            copy.mismatch = mismatch;
            copy.missingKey = missingKey;
            copy.inProgress = inProgress;
            copy.sameAnswer = sameAnswer;
            return copy;
        }

        /**
         * Adds event files: a file, or every {@code *.json} file of a folder (sorted by name).
         *
         * @param paths files or folders
         * @return this builder
         */
        public Builder<I, O> events(Path... paths) {
            for (Path path : paths) {
                if (Files.isDirectory(path)) {
                    try (Stream<Path> listed = Files.list(path)) {
                        listed.filter(p -> p.toString().endsWith(".json")).sorted().forEach(files::add);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot list " + path, e);
                    }
                } else if (Files.isRegularFile(path)) {
                    files.add(path);
                } else {
                    throw new IllegalArgumentException("no event file or folder at " + path.toAbsolutePath());
                }
            }
            return this;
        }

        /**
         * The backends the tests run on (a new table and bucket per test).
         *
         * @param extension the extension registered on the test class
         * @return this builder
         */
        public Builder<I, O> on(LocalAwsExtension extension) {
            this.aws = Objects.requireNonNull(extension, "extension");
            return this;
        }

        /**
         * How many duplicates are sent at once (default 8).
         *
         * @param copies at least 2
         * @return this builder
         */
        public Builder<I, O> concurrency(int copies) {
            if (copies < 2) {
                throw new IllegalArgumentException("concurrency must be at least 2, was " + copies);
            }
            this.concurrency = copies;
            return this;
        }

        /**
         * Changes an event's payload but not its key (default: a member added to the JSON {@code body}, or to every
         * SQS record's body).
         *
         * @param change edits a copy of the event's JSON
         * @return this builder
         */
        public Builder<I, O> changePayload(UnaryOperator<ObjectNode> change) {
            this.changePayload = Objects.requireNonNull(change, "change");
            return this;
        }

        /**
         * Removes an event's key (default: the {@code Idempotency-Key} header).
         *
         * @param remove edits a copy of the event's JSON
         * @return this builder
         */
        public Builder<I, O> removeKey(UnaryOperator<ObjectNode> remove) {
            this.removeKey = Objects.requireNonNull(remove, "remove");
            return this;
        }

        /**
         * Recognises the refusal of a changed payload (default: {@code IdempotencyPayloadMismatchException}, HTTP
         * 422, or failed batch records).
         *
         * @param refused the test
         * @return this builder
         */
        public Builder<I, O> mismatchIs(Predicate<Outcome<O>> refused) {
            this.mismatch = Objects.requireNonNull(refused, "refused");
            return this;
        }

        /**
         * Recognises the refusal of an event without a key (default: {@code IdempotencyKeyException}, HTTP 400, or
         * failed batch records).
         *
         * @param refused the test
         * @return this builder
         */
        public Builder<I, O> missingKeyIs(Predicate<Outcome<O>> refused) {
            this.missingKey = Objects.requireNonNull(refused, "refused");
            return this;
        }

        /**
         * Recognises "in progress" (default: {@code IdempotencyInProgressException}, HTTP 409, or failed batch
         * records).
         *
         * @param inProgress the test
         * @return this builder
         */
        public Builder<I, O> inProgressIs(Predicate<Outcome<O>> inProgress) {
            this.inProgress = Objects.requireNonNull(inProgress, "inProgress");
            return this;
        }

        /**
         * Decides whether a repeat's answer is the first one (default: equal as JSON, ignoring an
         * {@code Idempotent-Replayed} header).
         *
         * @param same the test
         * @return this builder
         */
        public Builder<I, O> sameAnswerIs(BiPredicate<O, O> same) {
            this.sameAnswer = Objects.requireNonNull(same, "same");
            return this;
        }

        /**
         * The contract.
         *
         * @return the contract
         * @throws IllegalStateException without events or backends
         */
        public IdempotencyContract<I, O> build() {
            if (files.isEmpty()) {
                throw new IllegalStateException("no events: call events(...) with event files or folders");
            }
            if (aws == null) {
                throw new IllegalStateException("no backends: call on(aws) with the test class's LocalAwsExtension");
            }
            return new IdempotencyContract<>(this);
        }

        /**
         * Shorthand for {@code build().tests()}.
         *
         * @return the dynamic tests
         */
        public Stream<DynamicNode> tests() {
            return build().tests();
        }
    }
}
