package dev.lambdaidempotency.benchmarks.function;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The bare handler plus one DynamoDB call (a plain {@code PutItem}): the baseline Powertools' cold-start figure is
 * quoted against. Thread-safe.
 */
public final class OneCallFunction implements RequestHandler<Map<String, Object>, Receipt> {
    private final DynamoDbClient client;
    private final String table;
    private final BareFunction handler = new BareFunction();

    /** Builds its client the Lambda way ({@link LambdaClients}). */
    public OneCallFunction() {
        this(LambdaClients.dynamoDb(), LambdaClients.table());
    }

    /**
     * @param client the client
     * @param table  the table
     */
    public OneCallFunction(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    @Override
    public Receipt handleRequest(Map<String, Object> event, Context context) {
        Receipt receipt = handler.handleRequest(event, context);
        client.putItem(b -> b.tableName(table).item(Map.of(
                RawFloorStore.ID, AttributeValue.fromS("one-call#" + receipt.orderId()),
                RawFloorStore.STATUS, AttributeValue.fromS(receipt.status()))));
        return receipt;
    }
}
