package dev.lambdaidempotency.it;

import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shared-instance scenarios on DynamoDB Local, one fresh table per test. */
class DynamoDbSharedInstanceIntegrationTest extends SharedInstanceScenarios {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    @Override
    protected IdempotencyStore newStore() {
        return aws.newStore(aws.dynamoDbClient());
    }
}
