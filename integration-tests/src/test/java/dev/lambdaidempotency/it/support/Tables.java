package dev.lambdaidempotency.it.support;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Select;

/** Direct reads and writes of an idempotency table, bypassing the store under test. */
public final class Tables {
    private Tables() {
    }

    /**
     * Counts the items of a table (strongly consistent).
     *
     * @param client the client
     * @param table  the table
     * @return the number of items
     */
    public static int count(DynamoDbClient client, String table) {
        return client.scan(b -> b.tableName(table).select(Select.COUNT).consistentRead(true)).count();
    }

    /**
     * Reads one item (strongly consistent).
     *
     * @param client the client
     * @param table  the table
     * @param id     the record id
     * @return the item, empty when absent
     */
    public static Map<String, AttributeValue> item(DynamoDbClient client, String table, String id) {
        return client.getItem(b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS(id)))
                .consistentRead(true)).item();
    }

    /**
     * Writes an item as is.
     *
     * @param client the client
     * @param table  the table
     * @param item   the raw attributes
     */
    public static void put(DynamoDbClient client, String table, Map<String, AttributeValue> item) {
        client.putItem(b -> b.tableName(table).item(item));
    }
}
