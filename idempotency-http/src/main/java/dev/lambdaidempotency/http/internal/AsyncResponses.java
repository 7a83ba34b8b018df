package dev.lambdaidempotency.http.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The asynchronous mode's own responses (202 with the status) and the size of a replay as Lambda returns it. */
public final class AsyncResponses {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final ObjectWriter STORED = JSON.writerFor(StoredResponse.class);
    /** Request events as the Lambda runtime reads them back: bean properties, nulls left out. */
    private static final ObjectMapper EVENTS = JsonMapper.builder()
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
                    JsonInclude.Include.NON_NULL))
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).build();

    private AsyncResponses() {
    }

    /**
     * A {@code 202 Accepted}: the work was accepted, or runs.
     *
     * @param status            {@code accepted} or {@code in-progress}
     * @param location          the request's path (its status is read by repeating it), or {@code null}
     * @param retryAfterSeconds the {@code Retry-After}
     * @return the response
     */
    public static StoredResponse accepted(String status, String location, long retryAfterSeconds) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        if (location != null) {
            headers.put("Location", location);
        }
        headers.put("Retry-After", Long.toString(retryAfterSeconds));
        ObjectNode body = JSON.createObjectNode().put("status", status).put("retryAfterSeconds", retryAfterSeconds);
        return new StoredResponse(202, "202 Accepted", headers, null, null, body.toString(), false);
    }

    /**
     * What a handed-over run answers (to nobody, when invoked asynchronously): that the work completed.
     *
     * @return a {@code 200} with {@code {"status":"completed"}}
     */
    public static StoredResponse completed() {
        return new StoredResponse(200, "200 OK", Map.of("Content-Type", "application/json"), null, null,
                "{\"status\":\"completed\"}", false);
    }

    /**
     * The size of {@code response} serialized as JSON, which is about the size of the response event Lambda returns
     * (JSON escaping and base64 bodies counted).
     *
     * @param response the response
     * @return its serialized size in bytes
     */
    public static long serializedSize(StoredResponse response) {
        Counter counter = new Counter();
        try {
            STORED.writeValue(counter, response);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored response always serializes", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return counter.count;
    }

    /**
     * The JSON mapper of the asynchronous mode (result links, hand-over payloads).
     *
     * @return the mapper
     */
    static ObjectMapper json() {
        return JSON;
    }

    /**
     * A request event as a JSON tree, to send it to the function.
     *
     * @param event the event
     * @return its tree
     */
    static ObjectNode eventTree(Object event) {
        return EVENTS.valueToTree(event);
    }

    private static final class Counter extends OutputStream {
        private long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
