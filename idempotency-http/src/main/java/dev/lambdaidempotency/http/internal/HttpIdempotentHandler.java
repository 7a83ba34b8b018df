package dev.lambdaidempotency.http.internal;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.Execution;
import dev.lambdaidempotency.IdempotencyException;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.IdempotencyKeyException;
import dev.lambdaidempotency.IdempotencyPayloadMismatchException;
import dev.lambdaidempotency.IdempotencyRecordUnreadableException;
import dev.lambdaidempotency.IdempotencyResultUnavailableException;
import dev.lambdaidempotency.IdempotentOperation;
import dev.lambdaidempotency.http.IdempotentHttp;
import dev.lambdaidempotency.http.Problem;
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

    /**
     * @param shape     the event classes
     * @param operation records the responses
     * @param policy    the settings
     * @param handler   the user's handler
     */
    public HttpIdempotentHandler(EventShape<I, O> shape, IdempotentOperation<StoredResponse> operation,
            HttpPolicy policy, RequestHandler<I, O> handler) {
        this.shape = shape;
        this.operation = operation;
        this.policy = policy;
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    @Override
    public O handleRequest(I event, Context context) {
        return shape.response(respond(event, context), event);
    }

    private StoredResponse respond(I event, Context context) {
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
        Object fingerprint;
        try {
            fingerprint = policy.fingerprint().of(request);
        } catch (IllegalArgumentException notBase64) {
            return problem(Problem.INVALID_REQUEST, "Invalid request", 400,
                    "the body is flagged as base64 but is not valid base64");
        }
        try {
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
            log(context, "idempotency layer failed (" + e.getClass().getSimpleName() + ")", e);
            if (e.isRetryable()) {
                return ProblemResponses.of(new Problem(Problem.TEMPORARILY_UNAVAILABLE, "Temporarily unavailable",
                        503, "the request could not be processed right now; retry with the same "
                                + policy.keyHeader().name()),
                        Map.of("Retry-After", Long.toString(policy.unavailableRetryAfterSeconds())));
            }
            return internalError();
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

    /** The handler answered with a response that is not recorded (5xx; 4xx by default): the claim is released. */
    private static final class NotRecorded extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient StoredResponse response;

        NotRecorded(StoredResponse response) {
            super("response with status " + response.statusCode() + " not recorded", null, false, false);
            this.response = response;
        }
    }
}
