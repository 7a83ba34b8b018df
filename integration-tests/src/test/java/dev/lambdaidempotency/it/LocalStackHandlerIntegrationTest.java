package dev.lambdaidempotency.it;

import dev.lambdaidempotency.testkit.LocalAwsExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The handler scenarios on LocalStack's DynamoDB: {@code scripts/localstack.sh up}, then run with
 * {@code LOCALSTACK_ENDPOINT=http://127.0.0.1:4566}. Skipped, with the reason, when neither a Docker engine nor
 * {@code LOCALSTACK_ENDPOINT} is available; fails when the endpoint is dead or {@code REQUIRE_LOCALSTACK=true}.
 */
class LocalStackHandlerIntegrationTest extends EndpointHandlerScenarios {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.localStack();

    @Override
    protected LocalAwsExtension aws() {
        return aws;
    }
}
