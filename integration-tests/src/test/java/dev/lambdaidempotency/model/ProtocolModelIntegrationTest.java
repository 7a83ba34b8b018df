package dev.lambdaidempotency.model;

import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.testkit.DynamoDbLocalServer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.state.ActionChain;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The same model-based protocol suite as {@link ProtocolModelTest} on DynamoDB Local (in this JVM, one table, a fresh
 * function name per sequence): fewer sequences, since every step costs real requests, and the reference model reads
 * the table after every step. DynamoDB Local is started here rather than by {@code LocalAwsExtension}, which is a
 * JUnit Jupiter extension that jqwik properties do not run.
 */
class ProtocolModelIntegrationTest extends StoreProtocolModelSuite {
    static final java.util.logging.Logger LIBRARY_LOG = ProtocolModelTest.quiet();
    private static DynamoDbLocalServer server;
    private static DynamoDbClient client;
    private static DynamoDbIdempotencyStore store;

    @BeforeContainer
    static void startDynamoDbLocal() {
        server = DynamoDbLocalServer.start();
        client = server.endpoint().dynamoDbClient();
        store = DynamoDbIdempotencyStore.builder().client(client).tableName("model-protocol").build();
        store.createTableIfMissing();
    }

    @AfterContainer
    static void stopDynamoDbLocal() {
        client.close();
        server.close();
    }

    @Property(tries = 300, seed = "20261205", shrinking = ShrinkingMode.FULL)
    void theProtocolKeepsItsInvariantsOnDynamoDb(@ForAll("chains") ActionChain<ProtocolRun> chain) {
        check(chain);
    }

    @Property(tries = 100, shrinking = ShrinkingMode.FULL)
    void theProtocolKeepsItsInvariantsOnDynamoDbOnFreshSequences(@ForAll("chains") ActionChain<ProtocolRun> chain) {
        check(chain);
    }

    @Override
    ModelBackend backend(String functionName) {
        return ModelBackend.dynamoDb(store, client, store.tableName(), functionName);
    }
}
