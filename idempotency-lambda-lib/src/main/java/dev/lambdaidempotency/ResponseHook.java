package dev.lambdaidempotency;

/**
 * Turns the result of a wrapped handler, live or replayed, into the response its caller gets: the place to mark a
 * replay (an {@code Idempotent-Replayed} header, a log line, a metric) without wrapping the Lambda {@code Context}.
 *
 * <pre>{@code
 * RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler = idempotency.wrap(
 *         new PaymentHandler(), APIGatewayProxyResponseEvent.class, execution -> {
 *             APIGatewayProxyResponseEvent response = execution.result();
 *             if (execution.replayed() && response != null) {
 *                 Map<String, String> headers = new HashMap<>(response.getHeaders() == null ? Map.of()
 *                         : response.getHeaders());
 *                 headers.put("Idempotent-Replayed", "true");   // keep the recorded headers, add the marker
 *                 response.setHeaders(headers);
 *             }
 *             return response;
 *         });
 * }</pre>
 *
 * <p>The hook runs after the result was recorded (or read back), for every invocation that produced a result; what
 * it returns is not recorded, so a replay gets the original result again, not the decorated one. An exception it
 * throws reaches the caller; the record is unaffected.
 *
 * @param <O> the response type
 */
@FunctionalInterface
public interface ResponseHook<O> {
    /**
     * The response for {@code execution}.
     *
     * @param execution the result and how it was obtained
     * @return what the caller gets
     */
    O respond(Execution<O> execution);
}
