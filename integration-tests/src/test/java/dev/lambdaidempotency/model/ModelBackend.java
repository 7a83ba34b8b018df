package dev.lambdaidempotency.model;

import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.spi.RecordStatus;
import dev.lambdaidempotency.spi.StoredResult;
import dev.lambdaidempotency.testkit.InMemoryIdempotencyStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * A store under test plus what the model needs behind the library's back: read a record as stored, and play the
 * TTL sweeper (delete a record whose expiry, in epoch seconds, has passed).
 */
interface ModelBackend {

    /** The store the library writes through. */
    IdempotencyStore store();

    /** A function name no earlier run used, so runs sharing one table never see each other's records. */
    String functionName();

    /** The record as stored, at the store's precision. */
    Optional<IdempotencyRecord> read(String id);

    /** Deletes those of {@code ids} whose expiry (epoch seconds) is before {@code now}'s; returns the deleted. */
    List<String> sweep(List<String> ids, Instant now);

    /**
     * A record as a backend read it behind the library's back, from the stored fields (the DynamoDB attribute names
     * and precisions, which every store keeps): the payload hash is not compared, a result is inline or unavailable.
     */
    static IdempotencyRecord stored(String id, String status, long expirationSeconds, Long leaseEpochMillis,
            String owner, String data, String resultUnavailable) {
        RecordStatus recordStatus = RecordStatus.valueOf(status);
        StoredResult result = null;
        if (recordStatus == RecordStatus.COMPLETED) {
            result = data != null ? new StoredResult.Inline(data)
                    : new StoredResult.Unavailable(String.valueOf(resultUnavailable));
        }
        return new IdempotencyRecord(id, recordStatus, Instant.ofEpochSecond(expirationSeconds),
                leaseEpochMillis == null ? null : Instant.ofEpochMilli(leaseEpochMillis), null, owner, result);
    }

    /** The test kit's in-memory store, fresh for each run. */
    static ModelBackend inMemory() {
        InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();
        return new ModelBackend() {
            @Override
            public IdempotencyStore store() {
                return store;
            }

            @Override
            public String functionName() {
                return "model";
            }

            @Override
            public Optional<IdempotencyRecord> read(String id) {
                return store.get(id);
            }

            @Override
            public List<String> sweep(List<String> ids, Instant now) {
                return store.removeExpired(now);    // the run's store holds the run's records only
            }

            @Override
            public String toString() {
                return "in-memory";
            }
        };
    }

    /** A DynamoDB table (DynamoDB Local) shared by runs; each run gets its own function name. */
    static ModelBackend dynamoDb(IdempotencyStore store, DynamoDbClient client, String table, String functionName) {
        return new ModelBackend() {
            @Override
            public IdempotencyStore store() {
                return store;
            }

            @Override
            public String functionName() {
                return functionName;
            }

            @Override
            public Optional<IdempotencyRecord> read(String id) {
                Map<String, AttributeValue> item = client.getItem(b -> b.tableName(table)
                        .key(Map.of("id", AttributeValue.fromS(id))).consistentRead(true)).item();
                if (item == null || item.isEmpty()) {
                    return Optional.empty();
                }
                AttributeValue lease = item.get("in_progress_expiration");
                return Optional.of(stored(id, item.get("status").s(), Long.parseLong(item.get("expiration").n()),
                        lease == null ? null : Long.valueOf(lease.n()), item.get("owner").s(),
                        string(item.get("data")), string(item.get("result_unavailable"))));
            }

            @Override
            public List<String> sweep(List<String> ids, Instant now) {
                return ids.stream().filter(id -> sweep(id, now)).toList();
            }

            private static String string(AttributeValue value) {
                return value == null ? null : value.s();
            }

            private boolean sweep(String id, Instant now) {
                try {
                    return client.deleteItem(b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS(id)))
                            .conditionExpression("#exp < :now")
                            .expressionAttributeNames(Map.of("#exp", "expiration"))
                            .expressionAttributeValues(Map.of(":now",
                                    AttributeValue.fromN(Long.toString(now.getEpochSecond()))))
                            .returnValues(ReturnValue.ALL_OLD)).hasAttributes();
                } catch (ConditionalCheckFailedException notExpired) {
                    return false;
                }
            }

            @Override
            public String toString() {
                return "DynamoDB Local";
            }
        };
    }

    /** A PostgreSQL table shared by runs; each run gets its own function name. */
    static ModelBackend postgres(IdempotencyStore store, DataSource dataSource, String table, String functionName) {
        return new ModelBackend() {
            @Override
            public IdempotencyStore store() {
                return store;
            }

            @Override
            public String functionName() {
                return functionName;
            }

            @Override
            public Optional<IdempotencyRecord> read(String id) {
                try (Connection connection = dataSource.getConnection(); PreparedStatement query = connection
                        .prepareStatement("SELECT status, expiration, in_progress_expiration, owner, data, "
                                + "result_unavailable FROM " + table + " WHERE id = ?")) {
                    query.setString(1, id);
                    try (ResultSet row = query.executeQuery()) {
                        if (!row.next()) {
                            return Optional.empty();
                        }
                        long lease = row.getLong("in_progress_expiration");
                        Long leaseEnd = row.wasNull() ? null : lease;
                        return Optional.of(stored(id, row.getString("status"), row.getLong("expiration"), leaseEnd,
                                row.getString("owner"), row.getString("data"), row.getString("result_unavailable")));
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public List<String> sweep(List<String> ids, Instant now) {
                List<String> deleted = new ArrayList<>();
                try (Connection connection = dataSource.getConnection(); PreparedStatement delete = connection
                        .prepareStatement("DELETE FROM " + table + " WHERE id = ? AND expiration < ?")) {
                    for (String id : ids) {
                        delete.setString(1, id);
                        delete.setLong(2, now.getEpochSecond());
                        if (delete.executeUpdate() > 0) {
                            deleted.add(id);
                        }
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                return deleted;
            }

            @Override
            public String toString() {
                return "PostgreSQL";
            }
        };
    }
}
