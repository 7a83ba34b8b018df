package dev.lambdaidempotency.internal;

import java.util.ResourceBundle;

/**
 * A {@link System.Logger} that obtains the platform logger on first use. {@code System.getLogger} initialises the
 * logging backend (about 120 classes and 15 ms of a cold start), and the library logs only on abnormal paths.
 * Thread-safe.
 */
final class LazyLogger implements System.Logger {
    private final String name;
    private volatile System.Logger delegate;

    LazyLogger(String name) {
        this.name = name;
    }

    private System.Logger delegate() {
        System.Logger logger = delegate;
        if (logger == null) {
            logger = System.getLogger(name);
            delegate = logger;
        }
        return logger;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean isLoggable(Level level) {
        return delegate().isLoggable(level);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
        delegate().log(level, bundle, message, thrown);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        delegate().log(level, bundle, format, params);
    }
}
