package dev.lambdaidempotency.http.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lambdaidempotency.http.Problem;
import java.util.LinkedHashMap;
import java.util.Map;

/** Problems as responses: an {@code application/problem+json} body and ALB's status line. */
public final class ProblemResponses {
    private static final ObjectWriter JSON = JsonMapper.builder().build().writerFor(Problem.class);

    private ProblemResponses() {
    }

    /**
     * The response carrying {@code problem}.
     *
     * @param problem      the problem
     * @param extraHeaders added after {@code Content-Type}, e.g. {@code Retry-After}
     * @return the response
     */
    public static StoredResponse of(Problem problem, Map<String, String> extraHeaders) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", Problem.MEDIA_TYPE);
        headers.putAll(extraHeaders);
        String body;
        try {
            body = JSON.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem record always serializes", e);
        }
        return new StoredResponse(problem.status(), problem.status() + " " + reason(problem.status()), headers, null,
                null, body, false);
    }

    /** The reason phrases of the statuses the adapter itself sends (RFC 9110); others get a generic one. */
    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> status < 500 ? "Client Error" : "Server Error";
        };
    }
}
