package dev.lambdaidempotency.it;

import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.it.support.Tables;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The handler scenarios on LocalStack's DynamoDB. Skipped, with the reason, when neither a Docker engine nor
 * {@code LOCALSTACK_ENDPOINT} is available.
 */
class LocalStackHandlerIntegrationTest extends HandlerScenarios {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.localStack();

    private static DynamoDbClient client;
    private DynamoDbIdempotencyStore store;

    @BeforeAll
    static void connect() {
        client = aws.dynamoDbClient();
    }

    @Override
    protected IdempotencyStore newStore() {
        store = aws.newStore(client);
        return store;
    }

    @Override
    protected int storedRecords() {
        return Tables.count(client, store.tableName());
    }
}
