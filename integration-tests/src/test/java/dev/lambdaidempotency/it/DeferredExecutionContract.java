package dev.lambdaidempotency.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lambdaidempotency.Admission;
import dev.lambdaidempotency.Execution;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyClaimLostException;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.IdempotencyPayloadMismatchException;
import dev.lambdaidempotency.IdempotentOperation;
import dev.lambdaidempotency.s3.S3ResultStore;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.testkit.MutableClock;
import dev.lambdaidempotency.testkit.TestLambdaContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Claim now, run later ({@link IdempotentOperation#admit} then {@link IdempotentOperation#resume}), run against every
 * record store (with S3Proxy for offloaded results): the lease, the fence of the owner token and its renewal, duplicate,
 * late and forged hand-overs, and the pointer of an offloaded replay.
 */
abstract class DeferredExecutionContract {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();
    static final Duration LEASE = Duration.ofMinutes(15);
    /** The asynchronous HTTP mode's worker: the sample's time-out. */
    static final Duration WORKER_TIMEOUT = Duration.ofSeconds(120);

    final MutableClock clock = MutableClock.start();
    final AtomicInteger runs = new AtomicInteger();
    IdempotentOperation<String> reports;

    /**
     * A store on fresh, empty storage.
     *
     * @return the store
     */
    protected abstract IdempotencyStore newStore();

    @BeforeEach
    void newStoreAndBucket() {
        S3Client s3 = aws.s3Client();
        reports = Idempotency.builder().store(newStore())
                .resultStore(S3ResultStore.builder(Map.of()).client(s3).bucket(aws.newBucket(s3)).build())
                .config(IdempotencyConfig.builder(Map.of()).functionName("fn").clock(clock)
                        .offloadThresholdBytes(1024).build())
                .build().operation("report", String.class);
    }

    String run(String result) {
        runs.incrementAndGet();
        return result;
    }

    String admitted(String key, String payload) {
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
    void aHandOverDeliveredAtTheEndOfTheLeaseHoldsTheKeyUntilItsWorkersDeadline() {
        String token = admitted("k", "p");
        clock.advance(LEASE.minusSeconds(1)); // the event waited 899 s in the asynchronous queue

        Execution<String> executed = reports.resume("k", "p", token, TestLambdaContext.remaining(clock,
                WORKER_TIMEOUT), () -> {
                    clock.advance(Duration.ofSeconds(2)); // past the admission's lease, the worker still runs
                    assertThrows(IdempotencyInProgressException.class, () -> reports.admit("k", "p", LEASE),
                            "a repeat must not claim the key and dispatch a second worker");
                    clock.advance(WORKER_TIMEOUT.minusSeconds(3)); // the worker's last second
                    assertThrows(IdempotencyInProgressException.class, () -> reports.admit("k", "p", LEASE));
                    return run("r");
                });

        assertEquals(Execution.Kind.EXECUTED, executed.kind());
        assertEquals("r", recorded(reports.admit("k", "p", LEASE)).execution().result());
        assertEquals(1, runs.get());
    }

    @Test
    void aWorkerWithLessTimeThanTheLeaseDoesNotShortenIt() {
        String token = admitted("k", "p");

        reports.resume("k", "p", token, TestLambdaContext.remaining(clock, Duration.ofSeconds(10)), () -> {
            clock.advance(Duration.ofMinutes(1)); // a worker outside Lambda, or a clock that ran ahead
            assertThrows(IdempotencyInProgressException.class, () -> reports.admit("k", "p", LEASE),
                    "the admission's lease still holds");
            return run("r");
        });
        assertEquals(1, runs.get());
    }

    @Test
    void aTokenNobodyIssuedRunsNothingOnAFreeKeyAndLeavesNothingBehind() {
        assertThrows(IdempotencyClaimLostException.class,
                () -> reports.resume("fresh", "p", "f".repeat(32), null, () -> run("forged")));
        assertThrows(IdempotencyClaimLostException.class,
                () -> reports.resume("fresh", "p", "f".repeat(32), null, () -> run("forged again")),
                "the same forged token again: still nothing");

        assertEquals(0, runs.get());
        claimed(reports.admit("fresh", "p", LEASE));
    }

    @Test
    void aReleasedClaimIsNotResumed() {
        String token = admitted("k", "p");
        assertThrows(IllegalStateException.class, () -> reports.resume("k", "p", token, null, () -> {
            throw new IllegalStateException("abandoned before the hand-over");
        }));
        String next = admitted("k", "p");
        reports.resume("k", "p", next, null, () -> run("second admission"));

        assertThrows(IdempotencyInProgressException.class, () -> reports.resume("k", "p", token, null,
                () -> run("stale")), "a duplicate of the released claim's hand-over");
        assertEquals(1, runs.get());
    }

    @Test
    void aRedeliveryAfterEveryRecordExpiredRunsNothing() {
        String token = admitted("k", "p");
        reports.resume("k", "p", token, null, () -> run("r"));
        clock.advance(IdempotencyConfig.DEFAULT_RECORD_TTL.plus(LEASE).plusSeconds(1));

        assertThrows(IdempotencyClaimLostException.class, () -> reports.resume("k", "p", token, null,
                () -> run("again")));
        assertEquals(1, runs.get());
    }

    @Test
    void aCompletedHandOverOutlivesTheRecordOfItsClaim() {
        String token = admitted("k", "p");
        clock.advance(Duration.ofMinutes(10));
        reports.resume("k", "p", token, TestLambdaContext.remaining(clock, WORKER_TIMEOUT), () -> {
            clock.advance(Duration.ofSeconds(100));
            return run("r");
        });
        // the hand-over was claimed 100 s before the claim's record completed; both live as long as the latter
        clock.advance(IdempotencyConfig.DEFAULT_RECORD_TTL.minusSeconds(1));

        assertThrows(IdempotencyInProgressException.class, () -> reports.resume("k", "p", token, null,
                () -> run("late duplicate")));
        assertEquals("r", recorded(reports.admit("k", "p", LEASE)).execution().result());
        assertEquals(1, runs.get());
    }

    @Test
    void theLeaseMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> reports.admit("k", "p", Duration.ZERO));
    }
}
