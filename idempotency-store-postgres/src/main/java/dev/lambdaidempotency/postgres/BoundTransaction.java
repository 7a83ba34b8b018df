package dev.lambdaidempotency.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link PostgresIdempotencyStore} knows of the transaction bound to the current thread: its connection, the
 * claims whose completions were attempted in it, written or failed (to release should it not commit; a failed one
 * forces the rollback), the releases deferred until it ends, and the first completion that failed in it. Confined to
 * one thread.
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

    /** Adds a claim whose completion is being written in this transaction, once. */
    void hold(Claim claim) {
        if (!completed.contains(claim)) {
            completed.add(claim);
        }
    }
}
