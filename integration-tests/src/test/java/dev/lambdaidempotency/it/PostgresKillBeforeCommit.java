package dev.lambdaidempotency.it;

import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.it.readme.PlaceOrderFunction;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The invocation that {@link PostgresTransactionalIntegrationTest} kills: a separate JVM that runs
 * {@link PlaceOrderFunction} once, with a data source whose connections, asked to commit, print
 * {@value #ABOUT_TO_COMMIT} and wait forever instead, so that the parent can kill the process after the business
 * write and the completion and before the commit. Arguments: JDBC URL, user, order id.
 */
public final class PostgresKillBeforeCommit {
    /** What the child prints when it has reached the commit. */
    public static final String ABOUT_TO_COMMIT = "about to commit";
    /** The claim's lease in the child: the parent moves its clock past it to retry. */
    public static final Duration LEASE = Duration.ofMinutes(1);

    private PostgresKillBeforeCommit() {
    }

    public static void main(String[] args) throws Exception {
        PGSimpleDataSource real = new PGSimpleDataSource();
        real.setUrl(args[0]);
        real.setUser(args[1]);
        PrintWriter out = new PrintWriter(System.out, true);
        DataSource blockingCommit = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, methodArgs) -> {
                    Object result = invoke(real, method, methodArgs);
                    return result instanceof Connection connection ? blockCommit(connection, out) : result;
                });
        IdempotencyConfig config = IdempotencyConfig.builder(Map.of()).functionName("orders").inProgressLease(LEASE)
                .build();
        new PlaceOrderFunction(blockingCommit, config)
                .handleRequest(new PlaceOrderFunction.Order(args[2], new BigDecimal("12.50")), null);
        out.println("committed: the parent should have killed this process first");
    }

    private static Connection blockCommit(Connection connection, PrintWriter out) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {
            Connection.class}, (proxy, method, methodArgs) -> {
                if (method.getName().equals("commit")) {
                    out.println(ABOUT_TO_COMMIT);
                    new CountDownLatch(1).await();  // until killed
                }
                return invoke(connection, method, methodArgs);
            });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
