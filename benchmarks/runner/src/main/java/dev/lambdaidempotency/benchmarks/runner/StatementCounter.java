package dev.lambdaidempotency.benchmarks.runner;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Counts the round trips a JDBC user makes through a data source: every statement execution, commit and rollback
 * (with auto-commit on, pgjdbc sends each execution as one exchange). Floor and ours go through the same counter, so
 * its own cost, a few proxy calls, is the same on both sides. Thread-safe.
 */
final class StatementCounter {
    private static final Set<String> ROUND_TRIPS = Set.of("execute", "executeQuery", "executeUpdate",
            "executeLargeUpdate", "commit", "rollback");

    private final AtomicLong count = new AtomicLong();

    long total() {
        return count.get();
    }

    DataSource counting(DataSource target) {
        return proxy(DataSource.class, target);
    }

    private <T> T proxy(Class<T> type, T target) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> {
                    if (ROUND_TRIPS.contains(method.getName())) {
                        count.incrementAndGet();
                    }
                    Object result = invoke(target, method, args);
                    if (result instanceof PreparedStatement prepared) {
                        return proxy(PreparedStatement.class, prepared);
                    }
                    if (result instanceof Statement statement) {
                        return proxy(Statement.class, statement);
                    }
                    return result instanceof Connection connection ? proxy(Connection.class, connection) : result;
                }));
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
