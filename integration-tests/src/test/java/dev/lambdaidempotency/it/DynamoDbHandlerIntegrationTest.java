package dev.lambdaidempotency.it;

import dev.lambdaidempotency.testkit.LocalAwsExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The handler scenarios on DynamoDB Local, one fresh table per test. */
class DynamoDbHandlerIntegrationTest extends EndpointHandlerScenarios {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    @Override
    protected LocalAwsExtension aws() {
        return aws;
    }
}
