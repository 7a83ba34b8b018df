package dev.lambdaidempotency.runtime;

import dev.lambdaidempotency.testkit.LocalAwsExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real-runtime scenarios against LocalStack ({@code LOCALSTACK_ENDPOINT}, e.g. from
 * {@code scripts/localstack.sh up}, or Testcontainers where Docker runs); skipped with the reason otherwise.
 */
class RealRuntimeOnLocalStackIntegrationTest extends RealRuntimeScenarios {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.localStack();

    @Override
    LocalAwsExtension aws() {
        return aws;
    }

    @Override
    String backendName() {
        return "localstack";
    }
}
