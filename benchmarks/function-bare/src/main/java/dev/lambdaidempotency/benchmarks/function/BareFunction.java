package dev.lambdaidempotency.benchmarks.function;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/**
 * The business handler with no idempotency and no AWS calls: reads {@code orderId} and {@code amountCents} from the
 * event and answers a {@link Receipt}; throws {@link PaymentDeclinedException} when the event has
 * {@code "decline": true}. Thread-safe.
 */
public final class BareFunction implements RequestHandler<Map<String, Object>, Receipt> {
    private final String detail;

    /** A handler with small responses. */
    public BareFunction() {
        this(null);
    }

    /**
     * A handler whose responses carry {@code detail} (a pre-built padding string, so that building it costs nothing
     * per call).
     *
     * @param detail padding, or {@code null}
     */
    public BareFunction(String detail) {
        this.detail = detail;
    }

    @Override
    public Receipt handleRequest(Map<String, Object> event, Context context) {
        String orderId = String.valueOf(event.get("orderId"));
        if (Boolean.TRUE.equals(event.get("decline"))) {
            throw new PaymentDeclinedException(orderId);
        }
        Object amount = event.get("amountCents");
        return new Receipt(orderId, "PAID", amount instanceof Number n ? n.longValue() : 0L, detail);
    }
}
