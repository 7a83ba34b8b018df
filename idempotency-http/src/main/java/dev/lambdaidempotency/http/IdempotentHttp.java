package dev.lambdaidempotency.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerRequestEvent;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerResponseEvent;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotentOperation;
import dev.lambdaidempotency.Redaction;
import dev.lambdaidempotency.http.internal.BodyAsText;
import dev.lambdaidempotency.http.internal.CallerScope;
import dev.lambdaidempotency.http.internal.EventShape;
import dev.lambdaidempotency.http.internal.Fingerprint;
import dev.lambdaidempotency.http.internal.HttpIdempotentHandler;
import dev.lambdaidempotency.http.internal.HttpPolicy;
import dev.lambdaidempotency.http.internal.KeyHeader;
import dev.lambdaidempotency.http.internal.StoredResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * HTTP handlers made idempotent by the IETF {@code Idempotency-Key} request header ("The Idempotency-Key HTTP
 * Header Field"), for API Gateway REST APIs, HTTP APIs, Lambda Function URLs and Application Load Balancers:
 *
 * <pre>{@code
 * public class CreateOrderFunction implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
 *     private final RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler =
 *             IdempotentHttp.builder(Idempotency.builder()
 *                     .store(DynamoDbIdempotencyStore.builder().client(DynamoDbClient.create()).build()).build())
 *                     .build()
 *                     .restApi((request, context) -> new APIGatewayProxyResponseEvent().withStatusCode(201)
 *                             .withBody(orders.create(request.getBody())));
 *
 *     public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent request, Context context) {
 *         return handler.handleRequest(request, context);
 *     }
 * }
 * }</pre>
 *
 * <p>What a client sees:
 * <ul>
 *   <li>the first request with a key runs the handler; its response is recorded when its status is below 400 (and
 *       for 4xx when {@link Builder#storeClientErrors(boolean)} is on);</li>
 *   <li>a repeat with the same key and fingerprint gets the recorded status, headers and body (and base64 flag)
 *       plus {@value #REPLAYED_HEADER}{@code : true}, without running the handler;</li>
 *   <li>a 5xx response (and a 4xx, by default) or an exception releases the key: a retry runs the handler again;</li>
 *   <li>errors are RFC 9457 {@code application/problem+json} bodies with the {@link Problem} types: no key 400,
 *       several different keys 400, a key too long 400, key reused with another fingerprint 422, first request
 *       still in progress 409 with {@code Retry-After}, store failed or throttled 503 with {@code Retry-After}, the
 *       handler threw 500 (or what {@link Builder#onException} maps it to). No stack trace reaches a body.</li>
 * </ul>
 *
 * <p>Keys are shared by every client of the route unless {@link Builder#scopedBy(Caller)} gives each authenticated
 * caller its own key space (the IETF draft's "unique per client"); a request whose caller cannot be determined is
 * then refused with a 500 {@link Problem#CALLER_UNKNOWN} and nothing runs.
 *
 * <p>Sensitive fields of a JSON response body (a card number in a payment response) can be kept out of the store
 * with {@link Builder#dropBodyFields(String...)} and {@link Builder#maskBodyFields(String, String...)}: the first
 * request gets the live response, every replay the redacted one (in the {@link Builder#async asynchronous mode}
 * every response a client gets is the redacted one: the first is a {@code 202}).
 *
 * <p>Records live in the given {@link Idempotency}'s store, as an {@link IdempotentOperation} named
 * {@link Builder#operationName(String) "http"}: the core's key selection settings ({@code keyPaths},
 * {@code payloadPath}) do not apply; its record TTL, lease, maximum key size, offload and tracing do. This class is
 * immutable and thread-safe; build it once, at init.
 */
public final class IdempotentHttp {
    /** The default key header. */
    public static final String DEFAULT_KEY_HEADER = "Idempotency-Key";
    /** The response header marking a replayed response. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    /** The default operation name, which scopes the records. */
    public static final String DEFAULT_OPERATION_NAME = "http";

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private final IdempotentOperation<StoredResponse> operation;
    private final HttpPolicy policy;
    private final Caller caller;

    private IdempotentHttp(Builder builder) {
        this.caller = builder.caller;
        this.operation = builder.idempotency.operation(builder.operationName, StoredResponse.class,
                builder.redaction());
        List<Mapping<?>> mappings = List.copyOf(builder.mappings);
        this.policy = new HttpPolicy(new KeyHeader(builder.keyHeader), new Fingerprint(builder.methodAndPath),
                builder.storeClientErrors, seconds(builder.inProgressRetryAfter),
                seconds(builder.unavailableRetryAfter), (exception, context) -> map(mappings, exception),
                builder.async);
    }

    /**
     * Starts configuring the adapter over {@code idempotency}.
     *
     * @param idempotency the store, settings and tracing to use
     * @return a new builder
     */
    public static Builder builder(Idempotency idempotency) {
        return new Builder(Objects.requireNonNull(idempotency, "idempotency"));
    }

    /**
     * Wraps an API Gateway REST API (payload format 1.0) handler.
     *
     * @param handler the handler to protect
     * @return the idempotent handler (thread-safe)
     * @throws IllegalStateException when the adapter is {@link Builder#scopedBy scoped by} a {@link Caller} that
     *                               is not available on these events
     */
    public RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> restApi(
            RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler) {
        return new HttpIdempotentHandler<>(EventShape.REST_API, operation, policy, handler,
                scope(caller == null ? null : caller.restApiReader(), "REST API"));
    }

    /**
     * Wraps an API Gateway HTTP API (payload format 2.0) or Lambda Function URL handler.
     *
     * @param handler the handler to protect
     * @return the idempotent handler (thread-safe)
     * @throws IllegalStateException when the adapter is {@link Builder#scopedBy scoped by} a {@link Caller} that
     *                               is not available on these events
     */
    public RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> httpApi(
            RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler) {
        return new HttpIdempotentHandler<>(EventShape.HTTP_API, operation, policy, handler,
                scope(caller == null ? null : caller.httpApiReader(), "HTTP API or Function URL"));
    }

    /**
     * Wraps an Application Load Balancer target handler (single- or multi-value headers; the adapter's own responses
     * follow the request's mode).
     *
     * @param handler the handler to protect
     * @return the idempotent handler (thread-safe)
     * @throws IllegalStateException when the adapter is {@link Builder#scopedBy scoped by} a {@link Caller} that
     *                               is not available on these events
     */
    public RequestHandler<ApplicationLoadBalancerRequestEvent, ApplicationLoadBalancerResponseEvent> alb(
            RequestHandler<ApplicationLoadBalancerRequestEvent, ApplicationLoadBalancerResponseEvent> handler) {
        return new HttpIdempotentHandler<>(EventShape.ALB, operation, policy, handler,
                scope(caller == null ? null : caller.albReader(), "ALB"));
    }

    @Override
    public String toString() {
        return "IdempotentHttp[" + operation + ", key header " + policy.keyHeader().name()
                + (caller == null ? "" : ", scoped by " + caller) + (policy.async() == null ? "" : ", async") + "]";
    }

    private <I> CallerScope<I> scope(java.util.function.Function<I, String> reader, String events) {
        if (caller == null) {
            return null;
        }
        if (reader == null) {
            throw new IllegalStateException(caller + " is not available on " + events + " events: scope this "
                    + "adapter by a Caller that reads them");
        }
        return new CallerScope<>(reader, caller.toString());
    }

    private static Problem map(List<Mapping<?>> mappings, Exception exception) {
        for (Mapping<?> mapping : mappings) {
            Problem problem = mapping.apply(exception);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static long seconds(Duration duration) {
        long seconds = duration.getSeconds();
        return duration.getNano() > 0 ? seconds + 1 : seconds;
    }

    private record Mapping<E extends Exception>(Class<E> type, Function<? super E, Problem> mapping) {
        Problem apply(Exception exception) {
            return type.isInstance(exception) ? mapping.apply(type.cast(exception)) : null;
        }
    }

    /** Collects the adapter's settings; every one has a default. Not thread-safe. */
    public static final class Builder {
        private final Idempotency idempotency;
        private String keyHeader = DEFAULT_KEY_HEADER;
        private String operationName = DEFAULT_OPERATION_NAME;
        private boolean methodAndPath = true;
        private boolean storeClientErrors;
        private Duration inProgressRetryAfter = Duration.ofSeconds(1);
        private Duration unavailableRetryAfter = Duration.ofSeconds(2);
        private final List<Mapping<?>> mappings = new ArrayList<>();
        private final List<String> bodyPaths = new ArrayList<>();
        private final List<UnaryOperator<Redaction<StoredResponse>>> bodyEdits = new ArrayList<>();
        private AsyncMode async;
        private Caller caller;

        private Builder(Idempotency idempotency) {
            this.idempotency = idempotency;
        }

        /**
         * Removes fields from the JSON body of every response before it is recorded, so that neither the record
         * nor an offloaded copy holds them: the first request gets the live response; every replay gets the body
         * without these fields (re-serialized as compact JSON), and clients must accept that. In the
         * {@link #async(AsyncMode) asynchronous mode} the first request is answered {@code 202} and the worker's live
         * response reaches no one, so every response a client gets is the redacted one ({@link #build()} logs a
         * WARNING when both are set). A body marked base64 that is UTF-8 text is recorded (and replayed) as that
         * text; a body that is not JSON, or binary (compressed, say), has no fields and is recorded as it is, with
         * a WARNING naming the paths (never the body) for each such response. See {@link Redaction} for the path
         * syntax and what fails closed.
         *
         * <pre>{@code
         * IdempotentHttp.builder(idempotency).dropBodyFields("card.number", "card.cvc").build();
         * }</pre>
         *
         * @param paths paths into the body, e.g. {@code card.number} or {@code payments[0].iban}
         * @return this builder
         * @throws IllegalArgumentException when a path is malformed or the whole body, or none is given
         */
        public Builder dropBodyFields(String... paths) {
            String[] inBody = inBody(paths);
            return edit(redaction -> redaction.thenDrop(inBody), paths);
        }

        /**
         * Replaces the values of fields of the JSON body with {@code replacement} before a response is recorded
         * (any JSON value inside the body may be masked; a {@code null} stays {@code null}); otherwise as
         * {@link #dropBodyFields(String...)}.
         *
         * <pre>{@code
         * IdempotentHttp.builder(idempotency).maskBodyFields("****", "card.number").build();
         * }</pre>
         *
         * @param replacement the string recorded instead
         * @param paths       paths into the body
         * @return this builder
         * @throws IllegalArgumentException when a path is malformed or the whole body, or none is given
         */
        public Builder maskBodyFields(String replacement, String... paths) {
            Objects.requireNonNull(replacement, "replacement");
            String[] inBody = inBody(paths);
            return edit(redaction -> redaction.thenMask(replacement, inBody), paths);
        }

        private Builder edit(UnaryOperator<Redaction<StoredResponse>> edit, String... paths) {
            edit.apply(Redaction.of(UnaryOperator.identity()));   // validates the paths now, not at build()
            bodyEdits.add(edit);
            bodyPaths.addAll(List.of(paths));
            return this;
        }

        /** The body edits after the step that reads the body as text, or {@code null} when there are none. */
        private Redaction<StoredResponse> redaction() {
            if (bodyEdits.isEmpty()) {
                return null;
            }
            Redaction<StoredResponse> redaction = Redaction.of(new BodyAsText(bodyPaths));
            for (UnaryOperator<Redaction<StoredResponse>> edit : bodyEdits) {
                redaction = edit.apply(redaction);
            }
            return redaction;
        }

        private static String[] inBody(String... paths) {
            Objects.requireNonNull(paths, "paths");
            String[] inBody = new String[paths.length];
            for (int i = 0; i < paths.length; i++) {
                String path = Objects.requireNonNull(paths[i], "path").trim();
                if (path.startsWith("$")) {
                    path = path.substring(1);
                }
                if (path.startsWith(".")) {
                    path = path.substring(1);
                }
                if (path.isEmpty()) {
                    throw new IllegalArgumentException("a body field path must name a field in the body, was \""
                            + paths[i] + "\"");
                }
                inBody[i] = "body" + (path.startsWith("[") ? "" : ".") + path;
            }
            return inBody;
        }

        /**
         * Sets the request header carrying the key (matched case-insensitively).
         *
         * @param name an HTTP field name; default {@value IdempotentHttp#DEFAULT_KEY_HEADER}
         * @return this builder
         * @throws IllegalArgumentException when {@code name} is not an HTTP token
         */
        public Builder keyHeader(String name) {
            Objects.requireNonNull(name, "name");
            if (!TOKEN.matcher(name).matches()) {
                throw new IllegalArgumentException("keyHeader must be an HTTP field name, was \"" + name + "\"");
            }
            this.keyHeader = name;
            return this;
        }

        /**
         * Sets the name of the operation the records belong to (see {@link Idempotency#operation}): adapters with
         * different names over one {@link Idempotency} have separate key spaces.
         *
         * @param name 1-140 characters of {@code [A-Za-z0-9._:-]}; default {@value IdempotentHttp#DEFAULT_OPERATION_NAME}
         * @return this builder
         */
        public Builder operationName(String name) {
            this.operationName = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Sets whether the method and path are part of the request fingerprint, besides the body. With them (the
         * default), a key reused on another route is a 422 instead of a replay of the other route's response.
         *
         * @param include default {@code true}
         * @return this builder
         */
        public Builder fingerprintMethodAndPath(boolean include) {
            this.methodAndPath = include;
            return this;
        }

        /**
         * Sets whether 4xx responses the handler returns are recorded and replayed (as Stripe does) instead of
         * releasing the key. Off by default: the fingerprint does not cover headers such as {@code Authorization},
         * so a recorded 401, 403, 404, 409 or 429 would be replayed even after the client fixed the cause. Turn it
         * on when a handler's 4xx follows a side effect (a declined charge that was attempted). Exceptions always
         * release the key, whatever they are mapped to.
         *
         * @param store default {@code false}
         * @return this builder
         */
        public Builder storeClientErrors(boolean store) {
            this.storeClientErrors = store;
            return this;
        }

        /**
         * Sets the {@code Retry-After} of a 409 (a request with this key is in progress).
         *
         * @param retryAfter not negative, rounded up to seconds; default 1 s
         * @return this builder
         */
        public Builder inProgressRetryAfter(Duration retryAfter) {
            this.inProgressRetryAfter = notNegative(retryAfter, "inProgressRetryAfter");
            return this;
        }

        /**
         * Sets the {@code Retry-After} of a 503 (the store failed or throttled).
         *
         * @param retryAfter not negative, rounded up to seconds; default 2 s
         * @return this builder
         */
        public Builder unavailableRetryAfter(Duration retryAfter) {
            this.unavailableRetryAfter = notNegative(retryAfter, "unavailableRetryAfter");
            return this;
        }

        /**
         * Maps the handler's exceptions of {@code type} to a problem response. Mappings are tried in the order
         * given; an exception no mapping takes (or one whose mapping returns {@code null} or throws) is logged and
         * answered with a 500 {@link Problem#INTERNAL_ERROR}. The key is released either way, so a corrected
         * request with the same key runs.
         *
         * @param type    the exception type (subtypes included)
         * @param mapping makes the problem; its {@code detail} is sent to the client
         * @param <E>     the exception type
         * @return this builder
         */
        public <E extends Exception> Builder onException(Class<E> type, Function<? super E, Problem> mapping) {
            mappings.add(new Mapping<>(Objects.requireNonNull(type, "type"),
                    Objects.requireNonNull(mapping, "mapping")));
            return this;
        }

        /**
         * Turns on the asynchronous mode: the first request with a key answers {@code 202 Accepted} and its work runs
         * after the response, handed over by {@code mode}'s dispatcher; repeats answer {@code 202} until the response
         * is recorded, then replay it (see {@link AsyncMode}). Off by default: every request then runs the handler
         * inside the request, as described on {@link IdempotentHttp}.
         *
         * @param mode the asynchronous settings
         * @return this builder
         */
        public Builder async(AsyncMode mode) {
            this.async = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Gives each caller its own key space, as the IETF draft has it (a key is unique per client): the same key
         * from two callers is two requests, each executed once and each replayed only to its own caller, so a
         * client that reuses another's key (a counter, a UUID a buggy client repeats) never gets another
         * caller's response nor a 422. The caller is the identity an authorizer established
         * ({@link Caller#subject()}, {@link Caller#iam()}, ...), never a header a client chooses.
         *
         * <pre>{@code
         * IdempotentHttp.builder(idempotency).scopedBy(Caller.subject()).build().httpApi(handler);
         * }</pre>
         *
         * <p>Fails closed: a request whose caller cannot be determined is refused with a 500
         * {@link Problem#CALLER_UNKNOWN} and nothing runs (a route that reached the function without the identity
         * the configuration assumes is the API's fault, not the client's). Only a SHA-256 hash of the caller enters
         * the key the core hashes into the record id; the caller is never stored or logged. The hash and a colon
         * (65 bytes) count toward the core's {@code maxKeyBytes}. Off by default, and without it record ids are
         * what they always were; turning it on (or changing the caller) gives every key a new record id, so a
         * repeat of a request recorded before runs again (a one-time deploy caveat, bounded by the record TTL).
         * Safe methods ({@code GET}, {@code HEAD}, {@code OPTIONS}) without a key run as before, unscoped.
         *
         * @param caller where the caller is read
         * @return this builder
         */
        public Builder scopedBy(Caller caller) {
            this.caller = Objects.requireNonNull(caller, "caller");
            return this;
        }

        /**
         * Builds the adapter.
         *
         * @return a new, immutable adapter
         * @throws IllegalArgumentException when the operation name is invalid
         */
        public IdempotentHttp build() {
            if (async != null && !bodyEdits.isEmpty()) {
                System.getLogger("dev.lambdaidempotency.http").log(System.Logger.Level.WARNING, "the asynchronous "
                        + "mode with body field redaction: every response a client gets is the redacted one (the "
                        + "first request is answered 202 Accepted, and the worker's live response reaches no one)");
            }
            return new IdempotentHttp(this);
        }

        private static Duration notNegative(Duration duration, String name) {
            Objects.requireNonNull(duration, name);
            if (duration.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative, was " + duration);
            }
            return duration;
        }
    }
}
