package dev.lambdaidempotency.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lambdaidempotency.IdempotencyStoreException;
import dev.lambdaidempotency.spi.IdempotencyStore;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** Deferred execution on DynamoDB Local, and a renewal that fails before the work ran. */
class DeferredExecutionIntegrationTest extends DeferredExecutionContract {
    private final FaultInterceptor faults = new FaultInterceptor();

    @Override
    protected IdempotencyStore newStore() {
        return aws.newStore(aws.dynamoDbClient(faults));
    }

    @Test
    void aStoreFailureBeforeTheWorkRanLeavesTheHandOverToARetry() {
        String token = admitted("k", "p");
        faults.arm("UpdateItem", FaultInterceptor.Phase.BEFORE_SEND, request -> request instanceof UpdateItemRequest);

        assertThrows(IdempotencyStoreException.class, () -> reports.resume("k", "p", token, null, () -> run("r")));
        faults.disarm();

        assertEquals("r", reports.resume("k", "p", token, null, () -> run("r")).result(), "Lambda's retry");
        assertEquals(1, runs.get());
    }
}
