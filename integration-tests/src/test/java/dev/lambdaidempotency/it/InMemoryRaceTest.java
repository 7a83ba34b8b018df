package dev.lambdaidempotency.it;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdaidempotency.spi.ClaimResult;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.testkit.InMemoryIdempotencyStore;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The race on the in-memory store, which promises the same atomicity. */
class InMemoryRaceTest extends RaceScenarios {
    @Override
    protected List<IdempotencyStore> storesOnOneTable(int count) {
        return Collections.nCopies(count, new InMemoryIdempotencyStore());
    }

    @Override
    protected int rounds(int instances) {
        return 300;
    }

    @Test
    void theRaceCatchesAStoreWhoseClaimIsNotAtomic() {
        AssertionError caught = assertThrows(AssertionError.class,
                () -> race(List.of(new CheckThenWriteStore()), 1, false));
        assertTrue(caught.getMessage().contains("handler executions"), caught.getMessage());
    }

    /** A broken store: reads, then writes; two callers meet between the two steps, so both win. */
    private static final class CheckThenWriteStore implements IdempotencyStore {
        private final InMemoryIdempotencyStore records = new InMemoryIdempotencyStore();
        private final CyclicBarrier betweenReadAndWrite = new CyclicBarrier(2);

        @Override
        public ClaimResult claim(IdempotencyRecord claim, Instant now) {
            Optional<IdempotencyRecord> current = records.get(claim.id());
            if (current.isPresent()) {
                return new ClaimResult.Existing(current.get());
            }
            try {
                betweenReadAndWrite.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (BrokenBarrierException | TimeoutException e) {
                // a lone caller goes ahead
            }
            records.put(claim);
            return new ClaimResult.Claimed(null);
        }

        @Override
        public void complete(IdempotencyRecord completed) {
            records.put(completed);
        }

        @Override
        public void release(String id, String ownerToken) {
            throw new UnsupportedOperationException("the race's handler never fails");
        }
    }
}
