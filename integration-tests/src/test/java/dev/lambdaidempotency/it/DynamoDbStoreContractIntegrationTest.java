package dev.lambdaidempotency.it;

import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The store contract on DynamoDB Local, one fresh table per test. */
class DynamoDbStoreContractIntegrationTest extends IdempotencyStoreContract {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    private static DynamoDbClient client;

    @BeforeAll
    static void connect() {
        client = aws.dynamoDbClient();
    }

    @Override
    protected IdempotencyStore newStore() {
        return aws.newStore(client);
    }
}
