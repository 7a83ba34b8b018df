package dev.lambdaidempotency.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdaidempotency.Admission;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.IdempotentOperation;
import dev.lambdaidempotency.spi.ClaimResult;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.testkit.InMemoryIdempotencyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A store written before {@link IdempotencyStore#renew} existed keeps working for everything but deferred execution,
 * which refuses to run anything and says why.
 */
class StoreWithoutRenewalTest {
    /** Only the three methods every store had. */
    private static final class ThreeMethodStore implements IdempotencyStore {
        private final InMemoryIdempotencyStore records = new InMemoryIdempotencyStore();

        @Override
        public ClaimResult claim(IdempotencyRecord claim, Instant now) {
            return records.claim(claim, now);
        }

        @Override
        public void complete(IdempotencyRecord completed) {
            records.complete(completed);
        }

        @Override
        public void release(String id, String ownerToken) {
            records.release(id, ownerToken);
        }
    }

    @Test
    void executeWorksAndResumeRunsNothingNamingTheMissingMethod() {
        IdempotentOperation<String> reports = Idempotency.builder().store(new ThreeMethodStore())
                .config(IdempotencyConfig.builder(Map.of()).functionName("fn").build())
                .build().operation("report", String.class);
        AtomicInteger runs = new AtomicInteger();
        assertEquals("now", reports.execute("k0", "p", null, () -> "now").result());
        Admission<String> admission = reports.admit("k", "p", Duration.ofMinutes(15));
        assertInstanceOf(Admission.Claimed.class, admission);
        Admission.Claimed<String> claimed = (Admission.Claimed<String>) admission;

        UnsupportedOperationException refused = assertThrows(UnsupportedOperationException.class,
                () -> reports.resume("k", "p", claimed.claimToken(), null, () -> "ran " + runs.incrementAndGet()));

        assertEquals(0, runs.get());
        assertTrue(refused.getMessage().contains(ThreeMethodStore.class.getName()), refused.getMessage());
        assertTrue(refused.getMessage().contains("renew"), refused.getMessage());
    }
}
