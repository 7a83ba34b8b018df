package dev.lambdaidempotency.benchmarks.function;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * Times a cold start in a fresh JVM: from the moment the parent started this process (its {@link System#nanoTime()},
 * passed as an argument; on Linux both processes read the same monotonic clock) to the end of the first invocation,
 * handler construction (client creation) included. Prints one line the benchmark runner parses, then exits.
 *
 * <p>Arguments: {@code <variant> <parentStartNanos> <orderId>}.
 */
public final class ColdStartProbe {
    private ColdStartProbe() {
    }

    /**
     * Invokes {@code handler} once and reports.
     *
     * @param handler       the function, just constructed
     * @param args          the process arguments
     * @param mainNanos     {@link System#nanoTime()} when {@code main} began
     * @param handlerNanos  {@link System#nanoTime()} when the handler was constructed
     */
    public static void invokeAndReport(RequestHandler<Map<String, Object>, Receipt> handler, String[] args,
            long mainNanos, long handlerNanos) {
        long parentStart = Long.parseLong(args[1]);
        Receipt receipt = handler.handleRequest(Map.of("orderId", args[2], "amountCents", 4200),
                new BenchContext(30_000));
        long end = System.nanoTime();
        if (!"PAID".equals(receipt.status()) || !args[2].equals(receipt.orderId())) {
            throw new IllegalStateException("unexpected response " + receipt);
        }
        // java.lang.management is touched only now, after the clock stopped; its own classes count in every variant
        int classes = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
        System.out.println("COLDSTART total_ns=" + (end - parentStart) + " jvm_ns=" + (mainNanos - parentStart)
                + " init_ns=" + (handlerNanos - mainNanos) + " invoke_ns=" + (end - handlerNanos)
                + " classes=" + classes);
        System.out.flush();
        System.exit(0);
    }
}
