package dev.lambdaidempotency.it;

import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.it.support.Tables;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The handler scenarios on a real DynamoDB endpoint, one fresh table per test; subclasses choose the endpoint. */
abstract class EndpointHandlerScenarios extends HandlerScenarios {
    private DynamoDbClient client;
    private DynamoDbIdempotencyStore store;

    /** The extension (registered on a static field of the subclass) that provides the endpoint. */
    protected abstract LocalAwsExtension aws();

    @Override
    protected IdempotencyStore newStore() {
        if (client == null) {
            client = aws().dynamoDbClient();
        }
        store = aws().newStore(client);
        return store;
    }

    @Override
    protected int storedRecords() {
        return Tables.count(client, store.tableName());
    }

    @Override
    protected void deleteAllRecords() {
        client.scan(b -> b.tableName(store.tableName()).consistentRead(true)).items()
                .forEach(item -> client.deleteItem(b -> b.tableName(store.tableName()).key(Map.of("id", item.get("id")))));
    }
}
