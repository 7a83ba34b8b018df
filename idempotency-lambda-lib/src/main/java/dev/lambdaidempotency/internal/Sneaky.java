package dev.lambdaidempotency.internal;

/** Rethrows a caught throwable unchanged, checked or not, so user exceptions pass through untouched. */
final class Sneaky {
    private Sneaky() {
    }

    static RuntimeException rethrow(Throwable t) {
        throw Sneaky.<RuntimeException>cast(t);
    }

    @SuppressWarnings("unchecked")
    private static <X extends Throwable> X cast(Throwable t) throws X {
        throw (X) t;
    }
}
