package dev.lambdaidempotency.benchmarks.function;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/**
 * Cold-start entry point of the bare jar: {@code bare} (no AWS at all), {@code one-call} (one {@code PutItem}),
 * {@code floor} (the raw requests of a first execution). See {@link ColdStartProbe} for the arguments.
 */
public final class ColdStart {
    private ColdStart() {
    }

    /**
     * @param args {@code <variant> <parentStartNanos> <orderId>}
     */
    public static void main(String[] args) {
        long main = System.nanoTime();
        RequestHandler<Map<String, Object>, Receipt> handler;
        switch (args[0]) {
            case "bare":
                handler = new BareFunction();
                break;
            case "one-call":
                handler = new OneCallFunction();
                break;
            case "floor":
                handler = new FloorFunction<>(new RawFloorStore(LambdaClients.dynamoDb(), LambdaClients.table()),
                        new BareFunction(), new ReceiptJson(), "floor", null, 0, false);
                break;
            default:
                throw new IllegalArgumentException("unknown variant " + args[0]);
        }
        ColdStartProbe.invokeAndReport(handler, args, main, System.nanoTime());
    }
}
