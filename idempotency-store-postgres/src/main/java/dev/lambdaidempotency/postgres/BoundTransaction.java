package dev.lambdaidempotency.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link PostgresIdempotencyStore} knows of the transaction bound to the current thread: its connection, the
 * claims whose completions it holds (to release should it not commit), the releases deferred until it ends, and the
 * first completion that failed in it. Confined to one thread.
 */
final class BoundTransaction {
    /** A claim, by id and owner token. */
    record Claim(String id, String ownerToken) {
    }

    final Connection connection;
    final List<Claim> completed = new ArrayList<>(2);
    final List<Claim> deferredReleases = new ArrayList<>(1);
    SQLException completionFailure;

    BoundTransaction(Connection connection) {
        this.connection = connection;
    }
}
