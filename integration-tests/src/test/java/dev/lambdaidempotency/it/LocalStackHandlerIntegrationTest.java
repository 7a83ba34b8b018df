package dev.lambdaidempotency.it;

import dev.lambdaidempotency.testkit.LocalAwsExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The handler scenarios on LocalStack's DynamoDB. Skipped, with the reason, when neither a Docker engine nor
 * {@code LOCALSTACK_ENDPOINT} is available.
 */
class LocalStackHandlerIntegrationTest extends EndpointHandlerScenarios {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.localStack();

    @Override
    protected LocalAwsExtension aws() {
        return aws;
    }
}
