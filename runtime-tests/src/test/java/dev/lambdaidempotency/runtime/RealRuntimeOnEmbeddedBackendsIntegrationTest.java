package dev.lambdaidempotency.runtime;

import dev.lambdaidempotency.testkit.LocalAwsExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real-runtime scenarios against DynamoDB Local and S3Proxy, started in the test JVM (no Docker). */
class RealRuntimeOnEmbeddedBackendsIntegrationTest extends RealRuntimeScenarios {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    @Override
    LocalAwsExtension aws() {
        return aws;
    }

    @Override
    String backendName() {
        return "embedded";
    }
}
