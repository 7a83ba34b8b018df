package dev.lambdaidempotency.it.readme;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.it.support.Receipt;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** The business handler behind the README's Redis example. */
public class OrderHandler implements RequestHandler<Map<String, Object>, Receipt> {
    @Override
    public Receipt handleRequest(Map<String, Object> event, Context context) {
        return new Receipt((String) event.get("orderId"), 1, BigDecimal.ONE, List.of());
    }
}
