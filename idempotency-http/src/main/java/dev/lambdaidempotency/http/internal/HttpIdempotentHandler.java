package dev.lambdaidempotency.http.internal;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lambdaidempotency.Admission;
import dev.lambdaidempotency.Execution;
import dev.lambdaidempotency.IdempotencyException;
import dev.lambdaidempotency.IdempotencyClaimLostException;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.IdempotencyKeyException;
import dev.lambdaidempotency.IdempotencyPayloadMismatchException;
import dev.lambdaidempotency.IdempotencyRecordUnreadableException;
import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.IdempotentOperation;
import dev.lambdaidempotency.NotRecordedException;
import dev.lambdaidempotency.http.AsyncHandOver;
import dev.lambdaidempotency.http.AsyncMode;
import dev.lambdaidempotency.http.IdempotentHttp;
import dev.lambdaidempotency.http.Problem;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * The Idempotency-Key flow around a user's handler: key, fingerprint, the core's claim, the handler, the storage
 * decision, the replay marker, and every failure as a problem response. Immutable and thread-safe.
 *
 * @param <I> request event
 * @param <O> response event
 */
public final class HttpIdempotentHandler<I, O> implements RequestHandler<I, O> {
    private final EventShape<I, O> shape;
    private final IdempotentOperation<StoredResponse> operation;
    private final HttpPolicy policy;
    private final RequestHandler<I, O> handler;
    private final CallerScope<I> callerScope;

    /**
     * @param shape     the event classes
     * @param operation records the responses
     * @param policy    the settings
     * @param handler   the user's handler
     */
    public HttpIdempotentHandler(EventShape<I, O> shape, IdempotentOperation<StoredResponse> operation,
            HttpPolicy policy, RequestHandler<I, O> handler) {
        this(shape, operation, policy, handler, null);
    }

    /**
     * @param shape       the event classes
     * @param operation   records the responses
     * @param policy      the settings
     * @param handler     the user's handler
     * @param callerScope gives each caller its own key space, or {@code null} for one key space for all
     */
    public HttpIdempotentHandler(EventShape<I, O> shape, IdempotentOperation<StoredResponse> operation,
            HttpPolicy policy, RequestHandler<I, O> handler, CallerScope<I> callerScope) {
        this.shape = shape;
        this.operation = operation;
        this.policy = policy;
        this.handler = Objects.requireNonNull(handler, "handler");
        this.callerScope = callerScope;
    }

    @Override
    public O handleRequest(I event, Context context) {
        String claimToken = event == null || policy.async() == null ? null : takeClaimToken(event);
        return shape.response(respond(event, context, claimToken), event);
    }

    /** A handed-over request (asynchronous mode) carries its claim in a header, removed before anyone reads it. */
    private String takeClaimToken(I event) {
        HttpRequest request = shape.request(event);
        KeyHeader.Selection claim = new KeyHeader(AsyncMode.CLAIM_HEADER).select(request);
        if (claim instanceof KeyHeader.Missing) {
            return null;
        }
        shape.removeHeader(event, AsyncMode.CLAIM_HEADER);
        // an ambiguous marker is not ours: it is handled as a forged one (the fence refuses it)
        return claim instanceof KeyHeader.Found found ? found.key() : "";
    }

    /**
     * @param claimToken the claim a handed-over request runs under (asynchronous mode), {@code null} for a request
     *                   from a client
     */
    private StoredResponse respond(I event, Context context, String claimToken) {
        if (event == null) {
            return problem(Problem.INVALID_REQUEST, "Invalid request", 400, "the request event is empty");
        }
        HttpRequest request = shape.request(event);
        KeyHeader.Selection selection = policy.keyHeader().select(request);
        if (selection instanceof KeyHeader.Missing && isSafe(request.method())) {
            // GET, HEAD, OPTIONS (CORS preflights) change nothing: without a key they simply run
            try {
                O response = handler.handleRequest(event, context);
                return response == null ? internalError() : shape.stored(response);
            } catch (RuntimeException e) {
                return mapped(e, context);
            }
        }
        if (selection instanceof KeyHeader.Missing) {
            return problem(Problem.KEY_MISSING, policy.keyHeader().name() + " header missing", 400,
                    "this request requires an " + policy.keyHeader().name()
                            + " header (a unique value per operation, e.g. a UUID)");
        }
        if (selection instanceof KeyHeader.Ambiguous ambiguous) {
            return problem(Problem.KEY_INVALID, policy.keyHeader().name() + " header invalid", 400,
                    "the " + policy.keyHeader().name() + " header carries " + ambiguous.count()
                            + " different values; send exactly one");
        }
        String key = ((KeyHeader.Found) selection).key();
        if (callerScope != null) {
            key = scoped(event, key, context);
            if (key == null) {
                return problem(Problem.CALLER_UNKNOWN, "Caller unknown", 500, "this API gives each caller its own "
                        + policy.keyHeader().name() + " space, and the caller of this request could not be "
                        + "determined; nothing was processed. This is a configuration problem of the API, not of "
                        + "the request");
            }
        }
        Object fingerprint;
        try {
            fingerprint = policy.fingerprint().of(request);
        } catch (IllegalArgumentException notBase64) {
            return problem(Problem.INVALID_REQUEST, "Invalid request", 400,
                    "the body is flagged as base64 but is not valid base64");
        }
        try {
            if (claimToken != null) {
                operation.resume(key, fingerprint, claimToken, context, () -> run(event, context));
                return AsyncResponses.completed();
            }
            if (policy.async() != null) {
                return accept(event, request, key, fingerprint, context);
            }
            Execution<StoredResponse> execution = operation.execute(key, fingerprint, context,
                    () -> run(event, context));
            return execution.replayed()
                    ? execution.result().withHeader(IdempotentHttp.REPLAYED_HEADER, "true")
                    : execution.result();
        } catch (NotRecorded notRecorded) {
            return notRecorded.response;
        } catch (HandlerFailed failed) {
            return mapped(failed.exception, context);
        } catch (IdempotencyKeyException e) {
            return switch (e.reason()) {
                case MISSING -> problem(Problem.KEY_MISSING, policy.keyHeader().name() + " header missing", 400,
                        "the " + policy.keyHeader().name() + " header is empty");
                case TOO_LARGE -> problem(Problem.KEY_TOO_LARGE, policy.keyHeader().name() + " too large", 400,
                        "the " + policy.keyHeader().name() + " header is too long");
                case UNREADABLE_EVENT -> problem(Problem.INVALID_REQUEST, "Invalid request", 400,
                        "the request could not be read");
            };
        } catch (IdempotencyPayloadMismatchException e) {
            return problem(Problem.KEY_REUSED, policy.keyHeader().name() + " reused with a different request", 422,
                    "this " + policy.keyHeader().name() + " was already used for a different request; use a new "
                            + "key for a new request");
        } catch (IdempotencyInProgressException e) {
            if (policy.async() != null) {
                return AsyncResponses.accepted("in-progress", request.path(), policy.inProgressRetryAfterSeconds());
            }
            return ProblemResponses.of(new Problem(Problem.REQUEST_IN_PROGRESS, "A request with this "
                    + policy.keyHeader().name() + " is being processed", 409, "the first request with this "
                    + policy.keyHeader().name() + " has not finished yet; retry after "
                    + policy.inProgressRetryAfterSeconds() + " s to get its response"),
                    Map.of("Retry-After", Long.toString(policy.inProgressRetryAfterSeconds())));
        } catch (IdempotencyResultUnavailableException | IdempotencyRecordUnreadableException e) {
            log(context, "the recorded response cannot be replayed", e);
            return problem(Problem.RESPONSE_UNAVAILABLE, "Response unavailable", 500, "the request with this "
                    + policy.keyHeader().name() + " was already processed, but its response cannot be returned; "
                    + "do not resend it under a new key, which would process it again");
        } catch (IdempotencyException e) {
            if (claimToken != null && e instanceof IdempotencyClaimLostException) {
                // no live claim under this token: a marker a client forged, or a hand-over whose claim was released
                // or expired. Refused, not retried (a retry cannot bring the claim back)
                log(context, "a request marked as handed over holds no claim on its key", e);
                return problem(Problem.INVALID_REQUEST, "Invalid request", 400, "the " + AsyncMode.CLAIM_HEADER
                        + " header is set by this API's asynchronous hand-over, never by clients, and this one holds "
                        + "no claim on the " + policy.keyHeader().name() + "; send the request without it");
            }
            log(context, "idempotency layer failed (" + e.getClass().getSimpleName() + ")", e);
            if (claimToken != null && e.isRetryable()) {
                throw e; // a handed-over run that did not run: fail the invocation, so that Lambda retries it
            }
            if (e.isRetryable()) {
                return ProblemResponses.of(new Problem(Problem.TEMPORARILY_UNAVAILABLE, "Temporarily unavailable",
                        503, "the request could not be processed right now; retry with the same "
                                + policy.keyHeader().name()),
                        Map.of("Retry-After", Long.toString(policy.unavailableRetryAfterSeconds())));
            }
            return internalError();
        }
    }

    /**
     * The asynchronous mode's first half: claim the key and hand the work over ({@code 202}), or replay the recorded
     * response (as a link when it is too large for Lambda to return).
     */
    private StoredResponse accept(I event, HttpRequest request, String key, Object fingerprint, Context context) {
        AsyncMode async = policy.async();
        Admission<StoredResponse> admission = operation.admit(key, fingerprint, async.lease());
        if (admission instanceof Admission.Claimed<StoredResponse> claimed) {
            try {
                async.dispatcher().dispatch(new HandOver(event, claimed.claimToken()), context);
            } catch (RuntimeException e) {
                log(context, "the work could not be handed over; the claim is released", e);
                abandon(key, fingerprint, claimed.claimToken(), context);
                return ProblemResponses.of(new Problem(Problem.TEMPORARILY_UNAVAILABLE, "Temporarily unavailable",
                        503, "the request could not be accepted right now; retry with the same "
                                + policy.keyHeader().name()),
                        Map.of("Retry-After", Long.toString(policy.unavailableRetryAfterSeconds())));
            }
            return AsyncResponses.accepted("accepted", request.path(), policy.inProgressRetryAfterSeconds());
        }
        Admission.Recorded<StoredResponse> recorded = (Admission.Recorded<StoredResponse>) admission;
        StoredResponse replayed = recorded.execution().result();
        if (AsyncResponses.serializedSize(replayed) <= async.largeResponseThresholdBytes()) {
            return replayed.withHeader(IdempotentHttp.REPLAYED_HEADER, "true");
        }
        if (recorded.offloadedTo() == null || async.presigner() == null) {
            log(context, "the recorded response is over the " + async.largeResponseThresholdBytes() + "-byte "
                    + "threshold and cannot be linked to", new IllegalStateException(recorded.offloadedTo() == null
                            ? "it was not offloaded to the result store" : "no presigner is configured"));
            return problem(Problem.RESPONSE_UNAVAILABLE, "Response unavailable", 500, "the request with this "
                    + policy.keyHeader().name() + " was already processed, but its response is too large to "
                    + "return; do not resend it under a new key, which would process it again");
        }
        return ResultLinks.link(async.presigner(), async.presignedUrlTtl(), recorded.offloadedTo(), replayed);
    }

    /** Releases a claim whose work was never handed over: resumed with a failure, so the core releases it. */
    private void abandon(String key, Object fingerprint, String claimToken, Context context) {
        try {
            operation.resume(key, fingerprint, claimToken, context, () -> {
                throw new NotHandedOver();
            });
        } catch (NotHandedOver expected) {
            // released
        } catch (RuntimeException e) {
            log(context, "the claim could not be released; the key is refused until its lease lapses", e);
        }
    }

    /** Runs the user's handler inside the claim; a response that is not recorded releases the key. */
    private StoredResponse run(I event, Context context) {
        O response;
        try {
            response = handler.handleRequest(event, context);
        } catch (RuntimeException e) {
            throw new HandlerFailed(e);
        }
        if (response == null) {
            throw new HandlerFailed(new IllegalStateException("the handler returned no response"));
        }
        StoredResponse stored = shape.stored(response);
        if (stored.statusCode() < 100 || stored.statusCode() > 599) {
            throw new HandlerFailed(new IllegalStateException("the handler returned status code "
                    + stored.statusCode()));
        }
        if (!policy.records(stored.statusCode())) {
            throw new NotRecorded(stored);
        }
        return stored;
    }

    /** The key in the caller's key space, or {@code null} (logged, without any identity) when it is unknown. */
    private String scoped(I event, String key, Context context) {
        try {
            String scoped = callerScope.scopedKey(event, key);
            if (scoped == null) {
                logLine(context, "refused (500 caller-unknown): scopedBy(" + callerScope.description() + ") is set "
                        + "but the request carries no caller there; is the route behind its authorizer?");
            }
            return scoped;
        } catch (CallerScope.UnknownCaller e) {
            logLine(context, "refused (500 caller-unknown): scopedBy(" + callerScope.description() + "): "
                    + e.getMessage());
            return null;
        }
    }

    private StoredResponse mapped(Exception exception, Context context) {
        Problem problem = null;
        try {
            problem = policy.exceptions().apply(exception, context);
        } catch (RuntimeException mappingFailed) {
            log(context, "the exception mapping failed on " + exception.getClass().getName(), mappingFailed);
        }
        if (problem != null) {
            return ProblemResponses.of(problem, Map.of());
        }
        log(context, "handler failed", exception);
        return internalError();
    }

    private StoredResponse internalError() {
        return problem(Problem.INTERNAL_ERROR, "Internal error", 500,
                "the request could not be processed; retry with the same " + policy.keyHeader().name());
    }

    private static StoredResponse problem(String type, String title, int status, String detail) {
        return ProblemResponses.of(new Problem(type, title, status, detail), Map.of());
    }

    private static boolean isSafe(String method) {
        return method != null && switch (method.toUpperCase(java.util.Locale.ROOT)) {
            case "GET", "HEAD", "OPTIONS" -> true;
            default -> false;
        };
    }

    private static void logLine(Context context, String line) {
        if (context != null && context.getLogger() != null) {
            context.getLogger().log(line);
        } else {
            System.err.println(line);
        }
    }

    /** Logs with the stack trace: a 500 in production must be debuggable from the log alone. */
    private static void log(Context context, String message, Throwable failure) {
        java.io.StringWriter trace = new java.io.StringWriter();
        failure.printStackTrace(new java.io.PrintWriter(trace));
        String line = message + ": " + trace;
        if (context != null && context.getLogger() != null) {
            context.getLogger().log(line);
        } else {
            System.err.println(line);
        }
    }

    /** One accepted request's work, for the dispatcher. */
    private final class HandOver implements AsyncHandOver {
        private final I event;
        private final String claimToken;

        HandOver(I event, String claimToken) {
            this.event = event;
            this.claimToken = claimToken;
        }

        @Override
        public byte[] invocationPayload() {
            ObjectNode tree = AsyncResponses.eventTree(event);
            // in the header maps the event has (an ALB target group in multi-value mode sends only that one)
            boolean multiValue = tree.get("multiValueHeaders") instanceof ObjectNode;
            if (tree.get("headers") instanceof ObjectNode headers) {
                headers.put(AsyncMode.CLAIM_HEADER, claimToken);
            } else if (!multiValue) {
                tree.putObject("headers").put(AsyncMode.CLAIM_HEADER, claimToken);
            }
            if (multiValue) {
                ((ObjectNode) tree.get("multiValueHeaders")).putArray(AsyncMode.CLAIM_HEADER).add(claimToken);
            }
            return tree.toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void run(Context context) {
            respond(event, context, claimToken);
        }

        @Override
        public String toString() {
            return "AsyncHandOver[" + shape.getClass().getSimpleName() + "]"; // never the token
        }
    }

    /** The dispatcher failed: the claim is released through the core's failure path. */
    private static final class NotHandedOver extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotHandedOver() {
            super("not handed over", null, false, false);
        }
    }

    /** The handler threw: the core releases the claim; the exception is mapped afterwards, outside the claim. */
    private static final class HandlerFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Exception exception;

        HandlerFailed(Exception exception) {
            // the cause shows in traces of the released claim; no stack of its own (it only carries the exception)
            super(exception.toString(), exception, false, false);
            this.exception = exception;
        }
    }

    /**
     * The handler answered with a response that is not recorded (5xx; 4xx by default): the claim is released, and the
     * invocation counts as not recorded, not as a handler error.
     */
    private static final class NotRecorded extends NotRecordedException {
        private static final long serialVersionUID = 1L;
        private final transient StoredResponse response;

        NotRecorded(StoredResponse response) {
            super("response with status " + response.statusCode() + " not recorded");
            this.response = response;
        }
    }
}
