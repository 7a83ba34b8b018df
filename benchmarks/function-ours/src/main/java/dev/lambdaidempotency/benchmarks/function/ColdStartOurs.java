package dev.lambdaidempotency.benchmarks.function;

/** Cold-start entry point of the library jar: a first execution of {@link IdempotentFunction}. */
public final class ColdStartOurs {
    private ColdStartOurs() {
    }

    /**
     * @param args {@code ours <parentStartNanos> <orderId>}
     */
    public static void main(String[] args) {
        long main = System.nanoTime();
        IdempotentFunction handler = new IdempotentFunction();
        ColdStartProbe.invokeAndReport(handler, args, main, System.nanoTime());
    }
}
