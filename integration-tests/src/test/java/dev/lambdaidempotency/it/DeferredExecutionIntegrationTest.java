package dev.lambdaidempotency.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lambdaidempotency.Admission;
import dev.lambdaidempotency.Execution;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.IdempotencyPayloadMismatchException;
import dev.lambdaidempotency.IdempotencyStoreException;
import dev.lambdaidempotency.IdempotentOperation;
import dev.lambdaidempotency.s3.S3ResultStore;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.testkit.MutableClock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Claim now, run later ({@link IdempotentOperation#admit} then {@link IdempotentOperation#resume}) on DynamoDB Local
 * and S3Proxy: the lease, the fence of the owner token, duplicate and late hand-overs, and the pointer of an
 * offloaded replay.
 */
class DeferredExecutionIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();
    private static final Duration LEASE = Duration.ofMinutes(15);

    private final MutableClock clock = MutableClock.start();
    private final FaultInterceptor faults = new FaultInterceptor();
    private final AtomicInteger runs = new AtomicInteger();
    private IdempotentOperation<String> reports;

    @BeforeEach
    void newTableAndBucket() {
        S3Client s3 = aws.s3Client();
        reports = Idempotency.builder().store(aws.newStore(aws.dynamoDbClient(faults)))
                .resultStore(S3ResultStore.builder(Map.of()).client(s3).bucket(aws.newBucket(s3)).build())
                .config(IdempotencyConfig.builder(Map.of()).functionName("fn").clock(clock)
                        .offloadThresholdBytes(1024).build())
                .build().operation("report", String.class);
    }

    private String run(String result) {
        runs.incrementAndGet();
        return result;
    }

    private String admitted(String key, String payload) {
        return claimed(reports.admit(key, payload, LEASE)).claimToken();
    }

    private static <T> Admission.Claimed<T> claimed(Admission<T> admission) {
        if (admission instanceof Admission.Claimed<T> claimed) {
            return claimed;
        }
        throw new AssertionError("expected a claim, was " + admission);
    }

    private static <T> Admission.Recorded<T> recorded(Admission<T> admission) {
        if (admission instanceof Admission.Recorded<T> recorded) {
            return recorded;
        }
        throw new AssertionError("expected a replay, was " + admission);
    }

    @Test
    void admitClaimsForTheLeaseAndRepeatsAreInProgressOrMismatched() {
        Admission.Claimed<String> claimed = claimed(reports.admit("k", "p", LEASE));

        assertEquals(clock.instant().plus(LEASE), claimed.leaseExpiresAt());
        assertThrows(IdempotencyInProgressException.class, () -> reports.admit("k", "p", LEASE));
        assertThrows(IdempotencyPayloadMismatchException.class, () -> reports.admit("k", "other", LEASE));
        assertEquals(0, runs.get());
    }

    @Test
    void resumeRunsUnderTheClaimAndAdmitThenReplaysWithTheOffloadPointer() {
        String token = admitted("k", "p");

        Execution<String> executed = reports.resume("k", "p", token, null, () -> run("x".repeat(2048)));
        Admission.Recorded<String> replayed = recorded(reports.admit("k", "p", LEASE));

        assertEquals(Execution.Kind.EXECUTED, executed.kind());
        assertEquals("x".repeat(2048), replayed.execution().result());
        assertEquals(Execution.Kind.REPLAYED, replayed.execution().kind());
        assertNotNull(replayed.offloadedTo(), "offloaded: the pointer of the verified object");
        reports.resume("k2", "p", admitted("k2", "p"), null, () -> run("small"));
        assertNull(recorded(reports.admit("k2", "p", LEASE)).offloadedTo());
        assertEquals(2, runs.get());
    }

    @Test
    void aSecondDeliveryOfTheSameHandOverRunsNothing() {
        String token = admitted("k", "p");
        reports.resume("k", "p", token, null, () -> run("r"));

        assertThrows(IdempotencyInProgressException.class,
                () -> reports.resume("k", "p", token, null, () -> run("again")));
        assertEquals(1, runs.get());
    }

    @Test
    void aLateDuplicateOfAFailedHandOverNeitherRunsNorReclaimsTheKey() {
        String token = admitted("k", "p");
        assertThrows(IllegalStateException.class, () -> reports.resume("k", "p", token, null, () -> {
            throw new IllegalStateException("generator down");
        }));

        assertThrows(IdempotencyInProgressException.class,
                () -> reports.resume("k", "p", token, null, () -> run("late")));
        assertEquals(0, runs.get());
        claimed(reports.admit("k", "p", LEASE)); // the key is free again
    }

    @Test
    void aForeignTokenRunsNothingWhileTheClaimIsLive() {
        admitted("k", "p");

        assertThrows(IdempotencyInProgressException.class,
                () -> reports.resume("k", "p", "f".repeat(32), null, () -> run("forged")));
        assertEquals(0, runs.get());
    }

    @Test
    void afterTheLeaseLapsesTheKeyIsClaimedAgainAndTheOldTokenIsFenced() {
        String first = admitted("k", "p");
        clock.advance(LEASE.plusSeconds(1));
        String second = admitted("k", "p");

        assertNotEquals(first, second);
        assertThrows(IdempotencyInProgressException.class,
                () -> reports.resume("k", "p", first, null, () -> run("stale")));
        assertEquals("fresh", reports.resume("k", "p", second, null, () -> run("fresh")).result());
        assertEquals(1, runs.get());
    }

    @Test
    void aLapsedClaimNobodyTookOverIsRenewedByItsOwnToken() {
        String token = admitted("k", "p");
        clock.advance(LEASE.plusSeconds(1));

        assertEquals("late but ours", reports.resume("k", "p", token, null, () -> run("late but ours")).result());
        recorded(reports.admit("k", "p", LEASE));
    }

    @Test
    void aStoreFailureBeforeTheWorkRanLeavesTheHandOverToARetry() {
        String token = admitted("k", "p");
        faults.arm("PutItem", FaultInterceptor.Phase.BEFORE_SEND, request -> request instanceof PutItemRequest put
                && !put.item().get("id").s().contains("#@@handover#"));

        assertThrows(IdempotencyStoreException.class, () -> reports.resume("k", "p", token, null, () -> run("r")));
        faults.disarm();

        assertEquals("r", reports.resume("k", "p", token, null, () -> run("r")).result(), "Lambda's retry");
        assertEquals(1, runs.get());
    }

    @Test
    void theLeaseMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> reports.admit("k", "p", Duration.ZERO));
    }
}
