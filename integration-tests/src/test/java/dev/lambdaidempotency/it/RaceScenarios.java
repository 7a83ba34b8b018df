package dev.lambdaidempotency.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotencyInProgressException;
import dev.lambdaidempotency.it.support.Events;
import dev.lambdaidempotency.it.support.Receipt;
import dev.lambdaidempotency.spi.IdempotencyStore;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Many invocations of one new key at the same instant: exactly one runs the handler, every other one replays its
 * response or is told that it is in progress. Every fourth round the handler holds its claim until all other
 * callers have returned, so that they must all see it in progress; the other rounds race freely.
 */
abstract class RaceScenarios {
    static final int CALLERS = 64;
    private static final int BLOCKING_EVERY = 4;
    private static final long WAIT_SECONDS = 20;

    private static ExecutorService pool;

    private final ThreadLocal<Boolean> ranHere = ThreadLocal.withInitial(() -> false);
    private volatile Round round;

    /**
     * {@code count} store objects backed by the same fresh storage (separate clients where that applies), as
     * separately deployed instances of one function would have.
     *
     * @param count how many
     * @return the stores
     */
    protected abstract List<IdempotencyStore> storesOnOneTable(int count);

    /**
     * How many rounds a test races.
     *
     * @param instances how many instances take part
     * @return the number of rounds
     */
    protected abstract int rounds(int instances);

    @BeforeAll
    static void startCallers() {
        pool = Executors.newFixedThreadPool(CALLERS);
    }

    @AfterAll
    static void stopCallers() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void oneInstanceRunsEachNewKeyExactlyOnce() throws Exception {
        race(storesOnOneTable(1), rounds(1), true);
    }

    @Test
    void twoSeparatelyBuiltInstancesOnOneTableRunEachNewKeyExactlyOnce() throws Exception {
        race(storesOnOneTable(2), rounds(2), true);
    }

    /**
     * Races {@code rounds} new keys.
     *
     * @param stores           one instance is built on each
     * @param rounds           how many keys
     * @param withBlockingRounds whether every fourth round holds the claim until everyone else has returned
     */
    void race(List<IdempotencyStore> stores, int rounds, boolean withBlockingRounds) throws Exception {
        List<RequestHandler<Map<String, Object>, Receipt>> handlers = new ArrayList<>();
        for (IdempotencyStore store : stores) {
            handlers.add(Idempotency.builder().store(store)
                    .config(IdempotencyConfig.builder(Map.of()).functionName("race-fn").keyPath("orderId").build())
                    .build()
                    .wrap(this::handle, Receipt.class));
        }
        int inProgressInFreeRounds = 0;
        int replaysInFreeRounds = 0;
        for (int r = 0; r < rounds; r++) {
            Round current = new Round("order-" + r, withBlockingRounds && r % BLOCKING_EVERY == 0);
            round = current;
            List<Future<Outcome>> futures = new ArrayList<>(CALLERS);
            for (int caller = 0; caller < CALLERS; caller++) {
                RequestHandler<Map<String, Object>, Receipt> handler = handlers.get(caller % handlers.size());
                futures.add(pool.submit(() -> call(current, handler)));
            }
            List<Outcome> outcomes = new ArrayList<>(CALLERS);
            for (Future<Outcome> future : futures) {
                try {
                    outcomes.add(future.get(WAIT_SECONDS, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    throw new AssertionError("round " + r + ": a caller failed", e.getCause());
                }
            }
            assertEquals(1, current.executions.get(), () -> "round " + current.key + ": handler executions");
            List<Outcome> winners = outcomes.stream().filter(o -> o.kind == Kind.RAN).toList();
            assertEquals(1, winners.size());
            Receipt winner = winners.get(0).receipt;
            long inProgress = outcomes.stream().filter(o -> o.kind == Kind.IN_PROGRESS).count();
            List<Outcome> replays = outcomes.stream().filter(o -> o.kind == Kind.REPLAY).toList();
            assertEquals(CALLERS - 1, inProgress + replays.size());
            replays.forEach(o -> assertEquals(winner, o.receipt, "a replay returns the winner's response"));
            if (current.blocking) {
                assertEquals(CALLERS - 1, inProgress, "while the winner holds its claim, everyone else is told so");
            } else {
                inProgressInFreeRounds += (int) inProgress;
                replaysInFreeRounds += replays.size();
            }
            assertEquals(winner, handlers.get(handlers.size() - 1).handleRequest(Events.order(current.key), null),
                    "afterwards the key replays");
        }
        System.out.printf("%s: %d rounds x %d callers on %d instance(s); free rounds saw %d replays and %d "
                + "in-progress refusals%n", getClass().getSimpleName(), rounds, CALLERS, handlers.size(),
                replaysInFreeRounds, inProgressInFreeRounds);
    }

    private Outcome call(Round current, RequestHandler<Map<String, Object>, Receipt> handler) throws Exception {
        current.start.await(WAIT_SECONDS, TimeUnit.SECONDS);
        ranHere.set(false);
        try {
            Receipt receipt = handler.handleRequest(Events.order(current.key), null);
            return new Outcome(ranHere.get() ? Kind.RAN : Kind.REPLAY, receipt);
        } catch (IdempotencyInProgressException e) {
            assertNotNull(e.claimExpiresAt());
            return new Outcome(Kind.IN_PROGRESS, null);
        } finally {
            if (!ranHere.get()) {
                current.othersDone.countDown();
            }
        }
    }

    private Receipt handle(Map<String, Object> event, com.amazonaws.services.lambda.runtime.Context context) {
        ranHere.set(true);
        Round current = round;
        int execution = current.executions.incrementAndGet();
        if (current.blocking) {
            try {
                if (!current.othersDone.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the other callers did not return while the claim was held");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return new Receipt((String) event.get("orderId"), execution, BigDecimal.valueOf(execution), List.of());
    }

    private enum Kind { RAN, REPLAY, IN_PROGRESS }

    private record Outcome(Kind kind, Receipt receipt) {
    }

    private static final class Round {
        final String key;
        final boolean blocking;
        final CyclicBarrier start = new CyclicBarrier(CALLERS);
        final CountDownLatch othersDone = new CountDownLatch(CALLERS - 1);
        final AtomicInteger executions = new AtomicInteger();

        Round(String key, boolean blocking) {
            this.key = key;
            this.blocking = blocking;
        }
    }
}
