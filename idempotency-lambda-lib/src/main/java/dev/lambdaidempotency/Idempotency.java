package dev.lambdaidempotency;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdaidempotency.internal.DatabindResultCodec;
import dev.lambdaidempotency.internal.DatabindTrees;
import dev.lambdaidempotency.internal.Environment;
import dev.lambdaidempotency.internal.EventTrees;
import dev.lambdaidempotency.internal.IdempotencyEngine;
import dev.lambdaidempotency.internal.IdempotentRequestHandler;
import dev.lambdaidempotency.internal.IdempotentStreamHandler;
import dev.lambdaidempotency.internal.JsonValue;
import dev.lambdaidempotency.internal.PlainResultCodec;
import dev.lambdaidempotency.internal.Priming;
import dev.lambdaidempotency.internal.RequestKeys;
import dev.lambdaidempotency.internal.SnapStartPriming;
import dev.lambdaidempotency.metrics.EmfMetricsSink;
import dev.lambdaidempotency.spi.IdempotencyMetricsSink;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.spi.IdempotencyTracer;
import dev.lambdaidempotency.spi.RecordId;
import dev.lambdaidempotency.spi.ResultCodec;
import dev.lambdaidempotency.spi.ResultStore;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Makes Lambda handlers and operations idempotent: the first successful outcome for a key is recorded and every
 * repeat replays it instead of running again.
 *
 * <pre>{@code
 * public class PaymentFunction implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
 *     private final RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler =
 *         Idempotency.builder()
 *             .store(DynamoDbIdempotencyStore.builder().client(DynamoDbClient.create()).build())
 *             .config(IdempotencyConfig.builder().keyHeader("Idempotency-Key").payloadPath("body").build())
 *             .build()
 *             .wrap(new PaymentHandler(), APIGatewayProxyResponseEvent.class);
 *
 *     public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
 *         return handler.handleRequest(event, context);
 *     }
 * }
 * }</pre>
 *
 * <p>Build one instance per configuration at init time (constructor or static initializer) and reuse it. Instances
 * are immutable and thread-safe and share no state with each other: several differently configured instances may
 * coexist in one JVM and share one store.
 */
public final class Idempotency {
    private static final Pattern OPERATION_NAME = Pattern.compile("[A-Za-z0-9._:\\-]{1,140}");

    private final IdempotencyConfig config;
    private final IdempotencyEngine engine;
    private final Function<Object, JsonValue> events;
    private final ResultCodec results;
    private final Priming priming;
    /** The registered CRaC resource, if any: the global context holds it weakly, so this keeps it alive. */
    private final Object snapStartHook;
    private final String scope;
    private final RequestKeys handlerKeys;
    private final String keyDescription;

    private Idempotency(Builder builder) {
        this.config = builder.config != null ? builder.config : IdempotencyConfig.builder().build();
        // databind is optional: its classes are touched only when the application passed a mapper or has databind
        this.events = builder.objectMapper != null ? DatabindTrees.of(builder.objectMapper) : EventTrees.DEFAULT;
        if (builder.resultCodec != null) {
            this.results = builder.resultCodec;
        } else if (builder.objectMapper != null || EventTrees.databindAvailable()) {
            this.results = DatabindResultCodec.of(builder.objectMapper);
        } else {
            this.results = PlainResultCodec.INSTANCE;
        }
        IdempotencyMetricsSink metrics = builder.metrics != null ? builder.metrics
                : defaultMetrics(Environment.system());
        this.engine = new IdempotencyEngine(config, builder.store, builder.resultStore, builder.tracer, metrics);
        this.scope = config.keySpace() == null ? config.functionName()
                : config.functionName() + "#" + config.keySpace();
        this.handlerKeys = new RequestKeys(scope, config.keyPaths(), config.payloadPath(),
                config.maxKeyBytes(), events);
        this.keyDescription = config.keyPaths().isEmpty() ? "$ (the whole event)"
                : String.join(" or ", config.keyPaths());
        this.priming = new Priming(config, scope, builder.store, builder.resultStore, metrics, handlerKeys,
                keyDescription);
        this.snapStartHook = builder.primeOnSnapStart ? SnapStartPriming.register(priming) : null;
    }

    /**
     * Starts building an instance.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The settings this instance was built with.
     *
     * @return the immutable configuration
     */
    public IdempotencyConfig config() {
        return config;
    }

    /**
     * Wraps {@code handler} so that it runs at most once per idempotency key found in its events (per the configured
     * key selection); repeats get the first response, deserialized into {@code outputType}.
     *
     * <p>The returned handler throws {@link IdempotencyKeyException}, {@link IdempotencyInProgressException},
     * {@link IdempotencyPayloadMismatchException}, {@link IdempotencyStoreException},
     * {@link IdempotencyResultUnavailableException}, {@link IdempotencyRecordUnreadableException} or
     * {@link IdempotencyClaimLostException}; whatever {@code handler} throws passes through unchanged, after its
     * claim is released so that a retry can run.
     *
     * @param handler    the handler to protect
     * @param outputType the response type (recorded as JSON: see {@link Builder#resultCodec})
     * @param <I>        event type
     * @param <O>        response type
     * @return the idempotent handler (thread-safe)
     * @throws IllegalArgumentException when the result codec cannot record {@code outputType}
     */
    public <I, O> RequestHandler<I, O> wrap(RequestHandler<I, O> handler, Class<O> outputType) {
        return wrap(handler, outputType, Execution::result);
    }

    /**
     * {@link #wrap(RequestHandler, Class)}, with a hook that sees whether each result was executed now or replayed
     * and decides the response (see {@link ResponseHook}):
     *
     * <pre>{@code
     * idempotency.wrap(new CreateOrder(), Order.class, execution -> {
     *     if (execution.replayed()) {
     *         log.info("replayed the order recorded at " + execution.recordedAt());
     *     }
     *     return execution.result();
     * });
     * }</pre>
     *
     * @param handler    the handler to protect
     * @param outputType the response type (recorded as JSON: see {@link Builder#resultCodec})
     * @param hook       turns each execution into the response; its return value is not recorded
     * @param <I>        event type
     * @param <O>        response type
     * @return the idempotent handler (thread-safe)
     * @throws IllegalArgumentException when the result codec cannot record {@code outputType}
     */
    public <I, O> RequestHandler<I, O> wrap(RequestHandler<I, O> handler, Class<O> outputType,
            ResponseHook<O> hook) {
        return wrap(handler, outputType, null, hook);
    }

    /**
     * {@link #wrap(RequestHandler, Class)}, recording each response as {@code redaction} redacts it: the caller of
     * the first execution gets the live response, every repeat the redacted one (see {@link Redaction}).
     *
     * <pre>{@code
     * idempotency.wrap(new PaymentHandler(), APIGatewayProxyResponseEvent.class,
     *         Redaction.mask("****", "body.card.number"));
     * }</pre>
     *
     * @param handler    the handler to protect
     * @param outputType the response type (recorded as JSON: see {@link Builder#resultCodec})
     * @param redaction  what is removed before a response is recorded
     * @param <I>        event type
     * @param <O>        response type
     * @return the idempotent handler (thread-safe)
     * @throws IllegalArgumentException when the result codec cannot record {@code outputType}
     */
    public <I, O> RequestHandler<I, O> wrap(RequestHandler<I, O> handler, Class<O> outputType,
            Redaction<O> redaction) {
        return wrap(handler, outputType, Objects.requireNonNull(redaction, "redaction"), Execution::result);
    }

    /**
     * {@link #wrap(RequestHandler, Class, ResponseHook)} and {@link #wrap(RequestHandler, Class, Redaction)} at once:
     * the hook gets the live response on the first execution and the redacted one on a replay.
     *
     * @param handler    the handler to protect
     * @param outputType the response type (recorded as JSON: see {@link Builder#resultCodec})
     * @param redaction  what is removed before a response is recorded, or {@code null} for nothing
     * @param hook       turns each execution into the response; its return value is not recorded
     * @param <I>        event type
     * @param <O>        response type
     * @return the idempotent handler (thread-safe)
     * @throws IllegalArgumentException when the result codec cannot record {@code outputType}
     */
    public <I, O> RequestHandler<I, O> wrap(RequestHandler<I, O> handler, Class<O> outputType,
            Redaction<O> redaction, ResponseHook<O> hook) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(outputType, "outputType");
        Objects.requireNonNull(hook, "hook");
        return new IdempotentRequestHandler<>(engine, handlerKeys, scope, keyDescription, config.missingKeyPolicy(),
                priming.register(outputType, codec(outputType)), redaction == null ? null : redaction.redactor(),
                handler, hook);
    }

    /**
     * Wraps a stream handler so that it runs at most once per idempotency key found in its JSON input (per the
     * configured key and payload selection, exactly as for {@link #wrap}: headers, paths into a JSON or base64
     * {@code body}); repeats get the bytes it wrote the first time, byte for byte.
     *
     * <pre>{@code
     * RequestStreamHandler handler = idempotency.wrapStream((input, output, context) -> {
     *     output.write(render(input.readAllBytes()));
     * });
     * }</pre>
     *
     * <ul>
     *   <li>The input is read once, up to 6 MiB (Lambda's request payload limit; a larger input is an
     *       {@link IdempotencyKeyException} with reason {@code UNREADABLE_EVENT} and nothing runs), and the handler
     *       gets those bytes. An input that is not JSON is {@code UNREADABLE_EVENT} too, unless the key is the whole
     *       input (no key path, no payload path inside it): then its key is the SHA-256 of its raw bytes.</li>
     *   <li>The handler writes into a buffer. Only after the output is recorded is it written to the caller's stream
     *       (then flushed, not closed); a handler that throws, having written or not, writes nothing to the caller,
     *       its exception passes through unchanged and its claim is released.</li>
     *   <li>Any output is recorded, binary or text, including none at all (a repeat then writes nothing): in the
     *       record as {@code {"output_text":"..."}} when it is UTF-8, else {@code {"output_base64":"..."}}, offloaded
     *       to the result store above {@link IdempotencyConfig#offloadThresholdBytes()} like any result.</li>
     * </ul>
     *
     * <p>The returned handler throws the same exceptions as {@link #wrap(RequestHandler, Class)}.
     *
     * @param handler the handler to protect
     * @return the idempotent stream handler (thread-safe)
     */
    public RequestStreamHandler wrapStream(RequestStreamHandler handler) {
        return wrapStream(handler, Execution::result);
    }

    /**
     * {@link #wrapStream(RequestStreamHandler)}, with a hook that sees the output bytes and whether they were
     * executed now or replayed, and returns the bytes to write (what it returns is not recorded; {@code null}
     * writes nothing).
     *
     * @param handler the handler to protect
     * @param hook    turns each execution's output into the bytes written to the caller
     * @return the idempotent stream handler (thread-safe)
     */
    public RequestStreamHandler wrapStream(RequestStreamHandler handler, ResponseHook<byte[]> hook) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(hook, "hook");
        priming.registerStreamOutput();
        return new IdempotentStreamHandler(engine, handlerKeys, scope, keyDescription, config.missingKeyPolicy(),
                config.keyPaths(), config.payloadPath(), handler, hook);
    }

    /**
     * The id of the record that a handler wrapped by this instance ({@link #wrap} or {@link #wrapStream} with a JSON
     * input) files {@code event} under: the configured key selection, canonical JSON and hash, exactly as an
     * invocation computes them. Reads nothing and writes nothing; for tools that look a request's record up (the
     * operator CLI) and for tests.
     *
     * <pre>{@code
     * Optional<RecordId> id = idempotency.recordId(Map.of("headers", Map.of("Idempotency-Key", "k-1")));
     * }</pre>
     *
     * @param event the event as the handler receives it (an aws-lambda-java-events object, a {@code Map}, a POJO)
     * @return the record id, or empty when the event carries no key (the handler would run without a record)
     * @throws IdempotencyKeyException when the event cannot be read or its key is too large
     */
    public Optional<RecordId> recordId(Object event) {
        RequestKeys.Keys keys = handlerKeys.fromEvent(event, keyDescription);
        return keys == null ? Optional.empty() : Optional.of(keys.recordId());
    }

    /**
     * A named operation made idempotent with explicit keys (see {@link IdempotentOperation}); it shares this
     * instance's store and settings but has its own key space.
     *
     * @param name       1-140 characters of {@code [A-Za-z0-9._:-]}, e.g. {@code charge}
     * @param resultType the result type (recorded as JSON: see {@link Builder#resultCodec})
     * @param <T>        result type
     * @return the operation (thread-safe; create it once)
     * @throws IllegalArgumentException when {@code name} is malformed or the result codec cannot record
     *                                  {@code resultType}
     */
    public <T> IdempotentOperation<T> operation(String name, Class<T> resultType) {
        return operation(name, resultType, null);
    }

    /**
     * {@link #operation(String, Class)}, recording each result as {@code redaction} redacts it: the caller of the
     * first execution gets the live result, every repeat the redacted one (see {@link Redaction}).
     *
     * <pre>{@code
     * IdempotentOperation<Receipt> charge = idempotency.operation("charge", Receipt.class,
     *         Redaction.mask("****", "card.number"));
     * }</pre>
     *
     * @param name       1-140 characters of {@code [A-Za-z0-9._:-]}
     * @param resultType the result type (recorded as JSON: see {@link Builder#resultCodec})
     * @param redaction  what is removed before a result is recorded, or {@code null} for nothing
     * @param <T>        result type
     * @return the operation (thread-safe; create it once)
     * @throws IllegalArgumentException when {@code name} is malformed or the result codec cannot record
     *                                  {@code resultType}
     */
    public <T> IdempotentOperation<T> operation(String name, Class<T> resultType, Redaction<T> redaction) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(resultType, "resultType");
        if (!OPERATION_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("operation name must be 1-140 characters of [A-Za-z0-9._:-], was \""
                    + name + "\"");
        }
        // '@' cannot occur in a function name or key space, so operation ids never collide with handler ids
        RequestKeys keys = new RequestKeys(scope + "#@" + name, java.util.List.of(), null,
                config.maxKeyBytes(), events);
        return new IdempotentOperation<>(engine, keys, scope + "@" + name,
                priming.register(resultType, codec(resultType)), redaction == null ? null : redaction.redactor());
    }

    /**
     * Warms, in memory, what the first invocation would otherwise load and initialize, so that a SnapStart snapshot
     * taken afterwards holds it ready: key selection, canonical JSON and SHA-256 on a representative event (built from
     * the configured key and payload paths); the claim, record and replay protocol with the codec of every result
     * type wrapped so far (a sample result such as {@code {}} is decoded into the type and encoded again, where the
     * type accepts one); the record store's, result store's and metrics sink's own encoding ({@link
     * IdempotencyStore#prime()}, {@link ResultStore#prime()}, {@link IdempotencyMetricsSink#prime()}).
     *
     * <p><b>Nothing is written</b>: the protocol runs against a private in-memory store, the stores only encode and
     * decode samples (no request is sent, nothing reaches the table or the bucket), no metrics line is emitted and
     * this instance's local cache is untouched. Unlike priming by invoking the handler, the user's handler never runs.
     * Call it last in the handler's initialization, after every {@code wrap}; or let
     * {@link Builder#primeOnSnapStart(boolean)} call it just before the snapshot.
     *
     * <p>Best effort: a step that fails is logged at WARNING and skipped; this method does not throw. It may be
     * called any number of times, from any thread.
     */
    public void prime() {
        priming.run();
    }

    /** For tests: the priming steps. */
    Priming priming() {
        return priming;
    }

    /** For tests: the registered CRaC resource, or {@code null}. */
    Object snapStartHook() {
        return snapStartHook;
    }

    /**
     * The metrics sink used when none is set: CloudWatch EMF lines on standard output when running in Lambda
     * ({@code AWS_LAMBDA_FUNCTION_NAME} set) unless {@code IDEMPOTENCY_METRICS=false}, with the namespace from
     * {@code IDEMPOTENCY_METRICS_NAMESPACE}; nothing otherwise.
     */
    static IdempotencyMetricsSink defaultMetrics(Environment environment) {
        if (environment.get(Environment.FUNCTION_NAME) == null || !environment.flag(Environment.METRICS, true)) {
            return IdempotencyMetricsSink.NONE;
        }
        String namespace = environment.get(Environment.METRICS_NAMESPACE);
        return EmfMetricsSink.builder().namespace(namespace != null ? namespace.trim()
                : EmfMetricsSink.DEFAULT_NAMESPACE).build();
    }

    private <T> ResultCodec.Binding<T> codec(Class<T> type) {
        return results.bind(type);
    }

    @Override
    public String toString() {
        return "Idempotency[" + scope + "]";
    }

    /** Collects the parts of an {@link Idempotency}; only the store is required. Not thread-safe. */
    public static final class Builder {
        private IdempotencyStore store;
        private ResultStore resultStore;
        private IdempotencyConfig config;
        private IdempotencyTracer tracer = IdempotencyTracer.NONE;
        private IdempotencyMetricsSink metrics;
        /** An {@code ObjectMapper}, kept as {@code Object} so that this class loads without databind. */
        private Object objectMapper;
        private ResultCodec resultCodec;
        private boolean primeOnSnapStart;

        private Builder() {
        }

        /**
         * Sets where records live (required).
         *
         * @param store e.g. {@code DynamoDbIdempotencyStore}
         * @return this builder
         */
        public Builder store(IdempotencyStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Sets where results larger than {@link IdempotencyConfig#offloadThresholdBytes()} go. Without one, results
         * that do not fit in a record are recorded as unavailable (repeats are refused, never run again).
         *
         * @param resultStore e.g. {@code S3ResultStore}, or {@code null} for none (default)
         * @return this builder
         */
        public Builder resultStore(ResultStore resultStore) {
            this.resultStore = resultStore;
            return this;
        }

        /**
         * Sets the settings.
         *
         * @param config default {@code IdempotencyConfig.builder().build()}
         * @return this builder
         */
        public Builder config(IdempotencyConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Sets the lifecycle tracer.
         *
         * @param tracer default {@link IdempotencyTracer#NONE}; see {@code XRayIdempotencyTracer}
         * @return this builder
         */
        public Builder tracer(IdempotencyTracer tracer) {
            this.tracer = Objects.requireNonNull(tracer, "tracer");
            return this;
        }

        /**
         * Sets where per-invocation metrics go.
         *
         * @param metrics default: an {@link EmfMetricsSink} on {@code System.out} when running in Lambda
         *                ({@code AWS_LAMBDA_FUNCTION_NAME} set) unless {@code IDEMPOTENCY_METRICS=false}, namespace
         *                from {@code IDEMPOTENCY_METRICS_NAMESPACE} (default {@code LambdaIdempotency});
         *                {@link IdempotencyMetricsSink#NONE} otherwise
         * @return this builder
         */
        public Builder metrics(IdempotencyMetricsSink metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /**
         * Reads events and records results with this Jackson mapper (to share the application's modules, naming
         * strategy and annotations). Needs jackson-databind, which the library does not bring: without a mapper,
         * events are read without databind (public getters and fields, as databind's default mapper reads them) and
         * results are recorded with databind when it is on the class path, else with a light built-in codec (see
         * {@link #resultCodec(ResultCodec)}).
         *
         * @param objectMapper the application's mapper
         * @return this builder
         */
        public Builder objectMapper(ObjectMapper objectMapper) {
            this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
            return this;
        }

        /**
         * Records and replays results with this codec (takes precedence over {@link #objectMapper} for results;
         * events are still read with the mapper when one is set). Default: jackson-databind (the mapper set with
         * {@link #objectMapper}, else a plain mapper ignoring unknown properties) when databind is on the class path;
         * otherwise a built-in codec for records, beans with a no-argument constructor and setters, maps,
         * collections, arrays, enums, strings, numbers and booleans, which refuses other result types when a handler
         * is wrapped.
         *
         * @param resultCodec the codec
         * @return this builder
         */
        public Builder resultCodec(ResultCodec resultCodec) {
            this.resultCodec = Objects.requireNonNull(resultCodec, "resultCodec");
            return this;
        }

        /**
         * Sets whether {@link Idempotency#prime()} runs before a Lambda SnapStart snapshot is taken: {@link #build()}
         * registers a CRaC {@code org.crac.Resource} whose {@code beforeCheckpoint} primes this instance (writing
         * nothing; see {@link Idempotency#prime()}), after the handler's constructor has wrapped its handlers.
         * Outside a CRaC runtime (no SnapStart, local runs, tests) the registration does nothing.
         *
         * <pre>{@code
         * Idempotency idempotency = Idempotency.builder().store(store).primeOnSnapStart(true).build();
         * }</pre>
         *
         * <p>Needs {@code org.crac:crac} (1.4.0, 12 KB) on the classpath; the instance keeps the resource reachable,
         * so keep the instance (as a handler field) for as long as the function lives.
         *
         * @param primeOnSnapStart default {@code false}
         * @return this builder
         */
        public Builder primeOnSnapStart(boolean primeOnSnapStart) {
            this.primeOnSnapStart = primeOnSnapStart;
            return this;
        }

        /**
         * Builds the instance.
         *
         * @return a new, thread-safe instance
         * @throws IllegalStateException    when no store was set, or {@link #primeOnSnapStart(boolean)} is on and
         *                                  {@code org.crac:crac} is not on the classpath
         * @throws IllegalArgumentException when the default configuration cannot be built (no function name)
         */
        public Idempotency build() {
            if (store == null) {
                throw new IllegalStateException("store is required: Idempotency.builder().store(...)");
            }
            if (primeOnSnapStart && !Priming.cracAvailable()) {
                throw new IllegalStateException("primeOnSnapStart(true) needs the CRaC API on the classpath: add "
                        + "the dependency org.crac:crac:1.4.0");
            }
            return new Idempotency(this);
        }
    }
}
