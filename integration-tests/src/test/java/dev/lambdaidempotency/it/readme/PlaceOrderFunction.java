package dev.lambdaidempotency.it.readme;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotentOperation;
import dev.lambdaidempotency.postgres.PostgresIdempotencyStore;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

// README.md, section "Transactional mode (PostgreSQL)": the example below is checked to be the README's text, line
// for line (PostgresTransactionalIntegrationTest), and it is the function that test kills before its commit.
// README example start
public class PlaceOrderFunction implements RequestHandler<PlaceOrderFunction.Order, PlaceOrderFunction.Placed> {
    public record Order(String id, BigDecimal amount) { }
    public record Placed(String orderId, long number) { }

    private final PostgresIdempotencyStore store;
    private final IdempotentOperation<Placed> place;

    public PlaceOrderFunction(DataSource dataSource, IdempotencyConfig config) {
        store = PostgresIdempotencyStore.builder().dataSource(dataSource).build();
        place = Idempotency.builder().store(store).config(config).build().operation("place", Placed.class);
    }

    @Override
    public Placed handleRequest(Order order, Context context) {
        try {   // the order row and "order.id() is done" commit together, or neither does
            return store.inTransaction(connection -> place.call(order.id(), order, context, () -> {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO orders (id, amount) VALUES (?, ?) RETURNING number")) {
                    insert.setString(1, order.id());
                    insert.setBigDecimal(2, order.amount());
                    try (ResultSet row = insert.executeQuery()) {
                        row.next();
                        return new Placed(order.id(), row.getLong(1));
                    }
                }
            }));
        } catch (SQLException e) {
            throw new IllegalStateException("order " + order.id() + " was not placed", e);
        }
    }
}
// README example end
